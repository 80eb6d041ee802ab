import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatDosage } from '../../../../shared/dosage';
import type { Dosage, LocalListEntry, MedicationRead } from '../../../../shared/model';
import { chainHead, isStopped, MAX_READ_AGE_HOURS, NEEDS_DECISION, reconcile, ROW_GROUPS, SEVERITY_ORDER, stopLabel, type Finding, type ReconcileRow } from '../../../../shared/reconcile';
import { isoDateOf } from '../../../../shared/reconcile/dates';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { nb } from '../../i18n/nb';
import { formatDate } from '../../i18n/format';
import { loadCatalogue, type CatalogueState } from '../catalog/catalogue';
import { PrescribePanel } from '../catalog/PrescribePanel';
import { openPatient } from '../patient/patientSlice';
import { PrintSheet } from '../print/PrintSheet';
import { HistoryPanel } from '../history/HistoryPanel';
import { SendFlow } from '../send/SendFlow';
import { selectSend, sendPrepared } from '../send/sendSlice';
import { DoseEditor } from './DoseEditor';
import { useReconciliation } from './useReconciliation';
import { decisionCleared, decisionSet, effectiveDecisions, newLineRemoved, rowFingerprint, type RowDecision } from './workspaceSlice';

const t = nb.workspace;

type ActionKind = RowDecision['kind'];
const SHORTCUTS: Record<string, ActionKind> = {
  b: 'keep',
  d: 'change-dose',
  s: 'discontinue',
  f: 'renew',
  t: 'take-into-local',
  i: 'not-taking',
  r: 'registration-error',
};
const KEY_OF: Record<ActionKind, string> = Object.fromEntries(Object.entries(SHORTCUTS).map(([k, v]) => [v, k.toUpperCase()])) as Record<ActionKind, string>;
const ACTIONS: ActionKind[] = ['keep', 'change-dose', 'discontinue', 'renew', 'take-into-local', 'not-taking', 'registration-error'];

function dosageText(d: Dosage, use?: string): string {
  try {
    return formatDosage(d, use ? { use: use as '1' } : {});
  } catch {
    return d.text;
  }
}

/** Whether an action makes sense on the row at all (decide() judges the rest, with a reason). */
export function actionApplies(row: ReconcileRow, kind: ActionKind, today: string): boolean {
  // A planned stop (a date after today) is still in use: it can be renewed like any current line.
  const hasLocal = row.items.local.some((l) => !isStopped(l.discontinued, today));
  const hasNational = row.items.pll.some((p) => !isStopped(p.discontinued, today)) || row.items.prescriptions.length > 0;
  switch (kind) {
    case 'take-into-local':
      // Only external information can be taken in; a stopped local line is renewed instead.
      return row.items.local.length === 0;
    case 'renew':
      return hasNational || hasLocal;
    case 'change-dose':
      return true;
    default:
      return true;
  }
}

export function isStale(read: MedicationRead, now: Date): boolean {
  if (!read.rfFetchedAt) return true;
  return now.getTime() - Date.parse(read.rfFetchedAt) > MAX_READ_AGE_HOURS * 3600_000;
}

type EditorKind = 'change-dose' | 'discontinue' | 'take-into-local';
type Editor = { rowId: string; kind: EditorKind } | null;

/** Only a dispensing to go on: taking it in needs a dosage the user states (decide() blocks without). */
export const needsDosageToTakeIn = (row: ReconcileRow): boolean =>
  row.items.local.length === 0 && row.items.pll.length === 0 && row.items.prescriptions.length === 0 && row.items.dispensings.length > 0;

export function ReconcileView({ patientId, read, loading }: { patientId: string; read: MedicationRead | null; loading: boolean }) {
  const dispatch = useAppDispatch();
  const rec = useReconciliation(patientId, read);
  const { result, decided, workspace, progress, catalogue, user, now } = rec;
  const today = isoDateOf(now);
  const canDecide = user?.role === 'gp' || user?.role === 'ooh-doctor';
  const [selected, setSelected] = useState<string | null>(null);
  const [editor, setEditor] = useState<Editor>(null);
  const [announce, setAnnounce] = useState('');
  const send = useAppSelector(selectSend);
  const rowRefs = useRef(new Map<string, HTMLLIElement>());
  const rows = useMemo(() => (result ? ROW_GROUPS.flatMap((g) => result.rows.filter((r) => r.group === g)) : []), [result]);
  const current = selected && rows.some((r) => r.id === selected) ? selected : (rows[0]?.id ?? null);
  const decisions = useMemo(() => effectiveDecisions(workspace, rows), [workspace, rows]);
  // Sending without the interaction checks takes an explicit choice, per patient.
  const [sendUnchecked, setSendUnchecked] = useState<string | null>(null);
  // Findings for the new prescriptions against everything else (they are not rows until sent).
  const safety = catalogue.status === 'ready' ? catalogue.safety : null;
  const newLineFindings = useMemo(() => {
    const out = new Map<string, Finding[]>();
    if (!read || !rec.local || workspace.newLines.length === 0) return out;
    const extra: LocalListEntry[] = workspace.newLines.map((l) => ({ id: `ny-${l.rowId}`, patientId, medicine: l.medicine, dosage: l.dosage, use: l.use, updatedAt: now.toISOString() }));
    const r = reconcile({ patient: read.patient, local: [...rec.local, ...extra], read }, safety, now);
    for (const l of workspace.newLines) {
      const row = r.rows.find((x) => x.items.local.some((e) => e.id === `ny-${l.rowId}`));
      if (row) out.set(l.rowId, r.findings.filter((f) => f.rows.includes(row.id)));
    }
    return out;
  }, [read, rec.local, workspace.newLines, patientId, safety, now]);

  // Focus moves in a layout effect right after the render that follows the key press, not in a
  // later frame: a frame can be throttled (background window) and land after the user moved on.
  const [focusRequest, setFocusRequest] = useState<{ id: string; n: number } | null>(null);
  const focusRow = useCallback((id: string | null | undefined) => {
    if (!id) return;
    setSelected(id);
    setFocusRequest((r) => ({ id, n: (r?.n ?? 0) + 1 }));
  }, []);
  useLayoutEffect(() => {
    if (focusRequest) rowRefs.current.get(focusRequest.id)?.focus();
  }, [focusRequest]);

  const nextUndecided = (fromId: string): string | undefined => {
    const i = rows.findIndex((r) => r.id === fromId);
    const after = [...rows.slice(i + 1), ...rows.slice(0, i)];
    return after.find((r) => !(r.id in decisions) && NEEDS_DECISION.has(r.status))?.id ?? rows[i + 1]?.id;
  };

  const commit = (d: RowDecision) => {
    const row = rows.find((r) => r.id === d.rowId);
    dispatch(decisionSet({ patientId, decision: d, ...(row ? { fingerprint: rowFingerprint(row) } : {}) }));
    setEditor(null);
    if (row) setAnnounce(t.announce(row.name, t.decided[d.kind] ?? d.kind));
    focusRow(nextUndecided(d.rowId) ?? d.rowId);
  };

  const act = (row: ReconcileRow, kind: ActionKind) => {
    if (!canDecide || !actionApplies(row, kind, today)) return;
    if (kind === 'change-dose' || kind === 'discontinue' || (kind === 'take-into-local' && needsDosageToTakeIn(row))) {
      setSelected(row.id);
      setEditor({ rowId: row.id, kind });
      return;
    }
    commit({ rowId: row.id, kind } as RowDecision);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select, form, [contenteditable="true"]')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const i = rows.findIndex((r) => r.id === current);
    const key = e.key.toLowerCase();
    if (key === 'j' || e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(rows[Math.min(rows.length - 1, i + 1)]?.id);
    } else if (key === 'k' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusRow(rows[Math.max(0, i - 1)]?.id);
    } else if (key === 'a' && current && canDecide) {
      e.preventDefault();
      dispatch(decisionCleared({ patientId, rowId: current }));
      const row = rows[i];
      if (row) setAnnounce(t.announce(row.name, t.undecided));
    } else if (key === 'n' && canDecide) {
      e.preventDefault();
      document.getElementById('prescribe-search')?.focus();
    } else if (SHORTCUTS[key] && current) {
      const row = rows[i];
      if (row) {
        e.preventDefault();
        act(row, SHORTCUTS[key]);
      }
    }
  };

  // Back from the send flow (done, conflict, cancelled): focus the first row still needing a position.
  const prevPhase = useRef(send.phase);
  useEffect(() => {
    const was = prevPhase.current;
    prevPhase.current = send.phase;
    if (was === 'idle' || send.phase !== 'idle') return;
    const target = rows.find((r) => NEEDS_DECISION.has(r.status) && !(r.id in decisions)) ?? rows[0];
    focusRow(target?.id);
  }, [send.phase, rows, decisions, focusRow]);

  useEffect(() => {
    // A row that left (new read) takes its editor with it.
    if (editor && !rows.some((r) => r.id === editor.rowId)) setEditor(null);
  }, [rows, editor]);

  if (send.phase !== 'idle' && send.patientId === patientId) {
    return <SendFlow patientId={patientId} rows={result?.rows ?? []} />;
  }
  if (!read) {
    return (
      <section className="workspace" aria-label={t.heading}>
        <p className="muted">{loading ? nb.reconcile.nationalLoading : nb.reconcile.nationalNotFetched}</p>
        <LocalOnlyList entries={rec.local} />
      </section>
    );
  }
  const stale = isStale(read, now);
  const rowFindings = (id: string) => (result?.findings ?? []).filter((f) => f.rows.includes(id));
  const globalFindings = (result?.findings ?? []).filter((f) => f.rows.length === 0);
  const catalogueBlocker =
    catalogue.status === 'ready' || (catalogue.status === 'failed' && sendUnchecked === patientId)
      ? null
      : catalogue.status === 'failed'
        ? t.catalogue.sendFailed
        : t.catalogue.sendLoading;
  const blockers = [...(decided?.blockers ?? []), ...(catalogueBlocker ? [{ code: 'catalogue', message: catalogueBlocker } as { code: string; message: string; rowId?: string }] : [])];

  return (
    <div className="workspace" onKeyDown={onKeyDown} data-testid="workspace">
      <div className="workspace-head">
        <p className="multidose-status" data-testid="multidose-status">
          {t.multidose(!!read.patient.multidose)}
        </p>
        <CatalogueStatus catalogue={catalogue} />
        {stale && (
          <div className="status status-error" role="alert" data-testid="stale-read">
            <p>{read.rfFetchedAt ? t.stale : t.staleUnknown}</p>
            <button type="button" className="btn btn-primary" onClick={() => void dispatch(openPatient({ identityNumber: read.patient.identityNumber, kind: read.patient.identityKind }))}>
              {t.refetch}
            </button>
          </div>
        )}
        {result && result.notes.length > 0 && (
          <ul className="read-notes">
            {result.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        {globalFindings.length > 0 && (
          <section aria-label={t.globalFindings} className="global-findings">
            <FindingList findings={globalFindings} catalogue={catalogue} />
          </section>
        )}
        <div className="print-bar">
          <button type="button" className="btn btn-secondary btn-small" data-testid="print-button" onClick={() => window.print()}>
            {nb.print.button}
          </button>
          {(Object.keys(decisions).length > 0 || workspace.newLines.length > 0) && <p>{nb.print.pendingNote}</p>}
        </div>
        {canDecide ? (
          <p className="help-line" id="workspace-help" data-testid="shortcut-help">
            {t.help}
          </p>
        ) : (
          <p className="help-line">{t.readOnly}</p>
        )}
        {progress && (
          <p className="progress" data-testid="progress">
            <progress max={Math.max(1, progress.required)} value={progress.requiredDecided} aria-hidden="true" />{' '}
            {t.progress(progress.decided, progress.required, progress.requiredDecided, progress.total)}
          </p>
        )}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite" data-testid="announce">
        {announce}
      </p>
      {!result ? (
        <p className="muted">{nb.reconcile.loadingLocal}</p>
      ) : (
        ROW_GROUPS.map((g) => {
          const inGroup = rows.filter((r) => r.group === g);
          if (inGroup.length === 0) return null;
          return (
            <section key={g} className={`row-group row-group-${g}`} aria-labelledby={`group-${g}`} data-testid={`group-${g}`}>
              <h3 id={`group-${g}`}>
                {t.groups[g]} <span className="count">({inGroup.length})</span>
              </h3>
              <p className="group-hint">{t.groupHint[g]}</p>
              <ul className="rows">
                {inGroup.map((row) => (
                  <RowItem
                    key={row.id}
                    row={row}
                    findings={rowFindings(row.id)}
                    catalogue={catalogue}
                    today={today}
                    decision={decisions[row.id]}
                    selected={row.id === current}
                    editor={editor?.rowId === row.id ? editor.kind : null}
                    canDecide={canDecide}
                    rowRef={(el) => {
                      if (el) rowRefs.current.set(row.id, el);
                      else rowRefs.current.delete(row.id);
                    }}
                    onFocus={() => setSelected(row.id)}
                    onAct={(k) => act(row, k)}
                    onUndo={() => dispatch(decisionCleared({ patientId, rowId: row.id }))}
                    onCommit={commit}
                    onCancelEditor={() => {
                      setEditor(null);
                      focusRow(row.id);
                    }}
                  />
                ))}
              </ul>
            </section>
          );
        })
      )}
      <HistoryPanel read={read} />
      {canDecide && result && (
        <>
          {workspace.newLines.length > 0 && (
            <section className="row-group" aria-labelledby="new-lines-heading" data-testid="new-lines">
              <h3 id="new-lines-heading">{t.newLinesHeading}</h3>
              <ul className="rows">
                {workspace.newLines.map((l) => (
                  <li key={l.rowId} className="row row-new" data-testid="new-line">
                    <div className="row-new-line">
                      <span className="med-name">{l.medicine.name}</span> – {dosageText(l.dosage, l.use)}{' '}
                      <button type="button" className="btn btn-secondary btn-small" onClick={() => dispatch(newLineRemoved({ patientId, rowId: l.rowId }))}>
                        {t.removeNewLine} <span className="visually-hidden">{l.medicine.name}</span>
                      </button>
                    </div>
                    {(newLineFindings.get(l.rowId)?.length ?? 0) > 0 && <FindingList findings={newLineFindings.get(l.rowId)!} catalogue={catalogue} />}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <PrescribePanel patientId={patientId} read={read} local={rec.local ?? []} rows={result.rows} />
          <section className="send-bar" aria-labelledby="send-bar-heading" data-testid="send-bar">
            <h3 id="send-bar-heading" className="visually-hidden">
              {t.send}
            </h3>
            {blockers.length > 0 ? (
              <div className="blockers" data-testid="send-blockers">
                <p>{t.sendBlocked}</p>
                <ul>
                  {blockers.map((b, i) => (
                    <li key={`${b.code}-${b.rowId ?? ''}-${i}`}>
                      {b.message}{' '}
                      {b.rowId && rows.some((r) => r.id === b.rowId) && (
                        <button type="button" className="link-button" onClick={() => focusRow(b.rowId)}>
                          {t.goToRow}
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="send-ready">{t.sendReady}</p>
            )}
            {catalogue.status === 'failed' && (
              <label className="ack">
                <input type="checkbox" checked={sendUnchecked === patientId} onChange={(e) => setSendUnchecked(e.target.checked ? patientId : null)} data-testid="send-unchecked" />
                {t.catalogue.sendAnyway}
              </label>
            )}
            <button type="button" className="btn btn-primary" data-testid="send-button" disabled={blockers.length > 0 || !decided || stale} onClick={() => {
                if (decided && result) dispatch(sendPrepared({ patientId, plan: decided.plan, localAfter: decided.local, readBefore: read, rows: result.rows }));
              }}
            >
              {t.send}
            </button>
          </section>
        </>
      )}
      {rec.local && <PrintSheet read={read} local={rec.local} now={now} {...(user ? { printedBy: user.name } : {})} />}
    </div>
  );
}

function CatalogueStatus({ catalogue }: { catalogue: CatalogueState }) {
  if (catalogue.status === 'ready') {
    return (
      <p className="catalogue-status" data-testid="catalogue-status">
        {t.catalogue.ready(formatDate(catalogue.fest.meta.extractedAt))}
      </p>
    );
  }
  if (catalogue.status === 'failed') {
    return (
      <div className="status status-error" role="alert" data-testid="catalogue-status">
        <p>{t.catalogue.failed}</p>
        <p className="detail">{catalogue.error}</p>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => void loadCatalogue()}>
          {t.catalogue.retry}
        </button>
      </div>
    );
  }
  return (
    <p className="status status-warning" role="status" data-testid="catalogue-status">
      {t.catalogue.loading}
    </p>
  );
}

function FindingList({ findings, catalogue }: { findings: Finding[]; catalogue: CatalogueState }) {
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return (
    <ul className="findings">
      {sorted.map((f) => (
        <li key={f.id}>
          <FindingMarker finding={f} catalogue={catalogue} />
        </li>
      ))}
    </ul>
  );
}

function FindingMarker({ finding: f, catalogue }: { finding: Finding; catalogue: CatalogueState }) {
  const interaction =
    f.kind === 'interaction' && catalogue.status === 'ready' && typeof f.details?.interactionId === 'string'
      ? catalogue.fest.interactions.find((x) => x.id === f.details!.interactionId)
      : undefined;
  const facts: [string, string][] = [[t.detailLabels.kind!, t.findingKind[f.kind] ?? f.kind]];
  if (interaction) {
    facts.push([t.detailLabels.consequence!, interaction.consequence]);
    // FEST's condition (situation) comes with the finding's details, below.
  }
  for (const [k, v] of Object.entries(f.details ?? {})) {
    if (typeof v !== 'string' || !t.detailLabels[k]) continue;
    facts.push([t.detailLabels[k], k === 'expiresOn' ? formatDate(v) : v]);
  }
  if (f.atc.length) facts.push([t.detailLabels.atc!, f.atc.join(', ')]);
  return (
    <details className={`finding finding-${f.severity}`} data-testid="finding" data-kind={f.kind} data-severity={f.severity}>
      <summary>
        <span className="finding-severity">{t.severity[f.severity]}</span> <span className="finding-message">{f.message}</span>
      </summary>
      <dl className="finding-details">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

interface RowItemProps {
  row: ReconcileRow;
  findings: Finding[];
  catalogue: CatalogueState;
  decision: RowDecision | undefined;
  selected: boolean;
  editor: EditorKind | null;
  canDecide: boolean;
  /** The workspace's calendar day (Europe/Oslo), the same the reconciliation used. */
  today: string;
  rowRef: (el: HTMLLIElement | null) => void;
  onFocus: () => void;
  onAct: (k: ActionKind) => void;
  onUndo: () => void;
  onCommit: (d: RowDecision) => void;
  onCancelEditor: () => void;
}

function RowItem({ row, findings, catalogue, decision, selected, editor, canDecide, today, rowRef, onFocus, onAct, onUndo, onCommit, onCancelEditor }: RowItemProps) {
  const needs = NEEDS_DECISION.has(row.status);
  const diffFields = new Set(row.differences.map((d) => d.field));
  const local = row.items.local.find((l) => !l.discontinued) ?? row.items.local[0];
  const pll = row.items.pll.find((p) => !p.discontinued) ?? row.items.pll[0];
  const head = chainHead(row.items.prescriptions);
  const disp = row.items.dispensings[row.items.dispensings.length - 1];
  const nameId = `row-${row.id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
  const national = pll ?? head;
  const currentDosage = national?.dosage ?? local?.dosage;

  return (
    <li
      ref={rowRef}
      className={`row${selected ? ' row-selected' : ''}${decision ? ' row-decided' : ''}`}
      tabIndex={selected ? 0 : -1}
      aria-labelledby={nameId}
      aria-describedby={canDecide ? 'workspace-help' : undefined}
      data-testid="reconcile-row"
      data-row-id={row.id}
      data-status={row.status}
      data-decision={decision?.kind ?? ''}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocus();
      }}
    >
      <div className="row-title">
        <h4 id={nameId} className="med-name">
          {row.name}
        </h4>
        <span className={`marker marker-${row.group}`} data-testid="row-status">
          {row.label}
        </span>
        {row.weakMatch && <span className="marker marker-weak">{t.weakMatch}</span>}
        <span className={`decision-state${decision ? ' decision-made' : needs ? ' decision-needed' : ''}`} data-testid="decision-state">
          {t.decisionLabel}: {decision ? decisionText(decision) : needs ? t.needsDecision : t.undecided}
        </span>
      </div>
      <div className="sources">
        <SourceColumn title={t.sources.local} present={!!local}>
          {local && (
            <>
              <Fact diff={diffFields.has('dose') || diffFields.has('strength') || diffFields.has('form')} label={nb.reconcile.columns.medicine} value={local.medicine.name} show={diffFields.has('strength') || diffFields.has('form')} />
              <Fact diff={diffFields.has('dose')} label={nb.reconcile.columns.dosage} value={dosageText(local.dosage, local.use)} />
              <Fact diff={diffFields.has('use')} label={nb.reconcile.columns.use} value={nb.reconcile.use[local.use] ?? local.use} />
              {local.expiresOn && <Fact diff={diffFields.has('expiry')} value={t.expires(formatDate(local.expiresOn))} />}
              {local.discontinued && <Fact diff={false} value={stopLabel(local.discontinued.at, row.plannedStopOn)} />}
            </>
          )}
        </SourceColumn>
        <SourceColumn title={t.sources.national} present={!!national}>
          {national && (
            <>
              <Fact diff={diffFields.has('strength') || diffFields.has('form')} label={nb.reconcile.columns.medicine} value={national.medicine.name} show={diffFields.has('strength') || diffFields.has('form')} />
              <Fact diff={diffFields.has('dose')} label={nb.reconcile.columns.dosage} value={dosageText(row.nationalDosage ?? national.dosage, national.use)} />
              <Fact diff={diffFields.has('use')} label={nb.reconcile.columns.use} value={nb.reconcile.use[national.use] ?? national.use} />
              {head ? (
                <Fact diff={diffFields.has('status')} label={t.status} value={nb.reconcile.prescriptionStatus[head.status] ?? head.status} />
              ) : (
                pll && <Fact diff={false} value={t.noPrescription} />
              )}
              {(head?.expiresOn ?? pll?.expiresOn) && <Fact diff={diffFields.has('expiry')} value={t.expires(formatDate((head?.expiresOn ?? pll?.expiresOn)!))} />}
              {pll?.discontinued && <Fact diff={false} value={stopLabel(pll.discontinued.at, row.plannedStopOn)} />}
              {(pll?.prescriber ?? head?.prescriber) && <Fact diff={diffFields.has('prescriber')} value={t.prescribedBy((pll?.prescriber ?? head?.prescriber)!.name)} />}
            </>
          )}
        </SourceColumn>
        <SourceColumn title={t.sources.dispensing} present={!!disp}>
          {disp && (
            <>
              <Fact diff={false} value={t.dispensedOn(formatDate(disp.dispensedAt))} />
              {disp.pharmacy && <Fact diff={false} value={disp.pharmacy} />}
              {disp.dosageText && <Fact diff={false} label={nb.reconcile.columns.dosage} value={disp.dosageText} />}
              {/* Another drug than the prescribed one was dispensed on this prescription: name it, marked as a difference. */}
              {(row.otherDrugDispensings ?? []).map((o) => (
                <Fact key={o.dispensingId} diff label={nb.reconcile.columns.medicine} value={`${o.name} – ${t.dispensedOn(formatDate(o.dispensedAt))}`} />
              ))}
            </>
          )}
        </SourceColumn>
      </div>
      {row.differences.length > 0 && (
        <ul className="differences" aria-label={t.differencesHeading} data-testid="differences">
          {row.differences.map((d) => (
            <li key={d.field}>
              <span aria-hidden="true">≠ </span>
              {t.difference(d.label, d.local, d.national)}
            </li>
          ))}
        </ul>
      )}
      {row.notes.length > 0 && (
        <ul className="row-notes">
          {row.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {findings.length > 0 && (
        <div className="row-findings" aria-label={t.findingsLabel} role="group">
          <FindingList findings={findings} catalogue={catalogue} />
        </div>
      )}
      {canDecide && (
        <div className="row-actions" role="group" aria-label={t.actionsLabel(row.name)}>
          {ACTIONS.map((k) => (
            <button
              key={k}
              type="button"
              className={`btn btn-small ${decision?.kind === k ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={decision?.kind === k}
              disabled={!actionApplies(row, k, today)}
              aria-keyshortcuts={KEY_OF[k]}
              data-action={k}
              onClick={() => onAct(k)}
            >
              {t.actions[k]} <kbd aria-hidden="true">{KEY_OF[k]}</kbd>
            </button>
          ))}
          {decision && (
            <button type="button" className="btn btn-small btn-link" aria-keyshortcuts="A" onClick={onUndo}>
              {t.undo} <kbd aria-hidden="true">A</kbd>
            </button>
          )}
        </div>
      )}
      {editor === 'take-into-local' && (
        <DoseEditor
          initial={disp?.dosageText ? { text: disp.dosageText } : undefined}
          saveLabel={t.actions['take-into-local']}
          onCancel={onCancelEditor}
          onSave={(dosage) => onCommit({ rowId: row.id, kind: 'take-into-local', dosage })}
        />
      )}
      {editor === 'change-dose' && <DoseEditor initial={currentDosage} onCancel={onCancelEditor} onSave={(dosage) => onCommit({ rowId: row.id, kind: 'change-dose', dosage })} />}
      {editor === 'discontinue' && <DiscontinueForm rowName={row.name} onCancel={onCancelEditor} onSave={(reason, note) => onCommit({ rowId: row.id, kind: 'discontinue', reason, ...(note ? { note } : {}) })} />}
    </li>
  );
}

function decisionText(d: RowDecision): string {
  const base = t.decided[d.kind] ?? d.kind;
  if (d.kind === 'change-dose') return `${base}: ${d.dosage.text}`;
  if (d.kind === 'discontinue') return `${base} (${t.cessation[d.reason] ?? d.reason})`;
  return base;
}

function SourceColumn({ title, present, children }: { title: string; present: boolean; children: React.ReactNode }) {
  return (
    <div className={`source${present ? '' : ' source-absent'}`}>
      <div className="source-title">{title}</div>
      {present ? children : <div className="muted">{t.notInSource}</div>}
    </div>
  );
}

function Fact({ label, value, diff, show = true }: { label?: string; value: string; diff: boolean; show?: boolean }) {
  if (!show) return null;
  return (
    <div className={`fact${diff ? ' fact-diff' : ''}`}>
      {label && <span className="visually-hidden">{label}: </span>}
      {diff ? (
        <mark>
          <span className="diff-flag">≠ {t.differs}: </span>
          {value}
        </mark>
      ) : (
        value
      )}
    </div>
  );
}

function DiscontinueForm({ rowName, onSave, onCancel }: { rowName: string; onSave: (reason: string, note: string) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const sel = useRef<HTMLSelectElement>(null);
  useEffect(() => sel.current?.focus(), []);
  const id = `disc-${rowName.replace(/\W/g, '')}`;
  return (
    <form
      className="discontinue-form"
      data-testid="discontinue-form"
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (reason) onSave(reason, note.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t.discontinueReason}</label>
        <select ref={sel} id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={tried && !reason} aria-describedby={tried && !reason ? `${id}-err` : undefined}>
          <option value="">{t.chooseReason}</option>
          {Object.entries(t.cessation).map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
        {tried && !reason && (
          <span className="field-error" id={`${id}-err`}>
            {t.reasonRequired}
          </span>
        )}
      </div>
      <div className="field field-wide">
        <label htmlFor={`${id}-note`}>{t.note}</label>
        <input id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-primary btn-small">
          {t.actions.discontinue}
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

/** Before (or without) a national read: the local list alone, so an outage never hides it. */
function LocalOnlyList({ entries }: { entries: LocalListEntry[] | undefined }) {
  const c = nb.reconcile.columns;
  if (!entries) return <p className="muted">{nb.reconcile.loadingLocal}</p>;
  return (
    <section aria-labelledby="local-only-h" className="local-only" data-testid="local-only">
      <h3 id="local-only-h">{nb.reconcile.localHeading}</h3>
      {entries.length === 0 ? (
        <p className="muted">{nb.reconcile.emptyLocal}</p>
      ) : (
        <table className="med-table">
          <thead>
            <tr>
              <th scope="col">{c.medicine}</th>
              <th scope="col">{c.dosage}</th>
              <th scope="col">{c.use}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} className={e.discontinued ? 'row-stopped' : undefined}>
                <td>
                  {e.medicine.name}
                  {e.discontinued ? ` (${t.discontinuedOn(formatDate(e.discontinued.at))})` : ''}
                </td>
                <td>{dosageText(e.dosage, e.use)}</td>
                <td>{nb.reconcile.use[e.use] ?? e.use}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
