import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import { appDb } from '../../db/db';
import type { MedicationRead } from '../../../../shared/model';
import type { ReconcileRow } from '../../../../shared/reconcile';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { nb } from '../../i18n/nb';
import { formatDate, formatDateTime } from '../../i18n/format';
import { decisionsKept, selectWorkspace } from '../reconcile/workspaceSlice';
import { selectPatient } from '../patient/patientSlice';
import { rowsStillApplying, selectSend, sendClosed, submitSend } from './sendSlice';
import { diffReads, summarisePlan } from './summary';

const t = nb.sendFlow;
const ot = nb.outbox;

/** Review → confirm → results; on 409 what changed; on a lost answer a retry with the same key. */
export function SendFlow({ patientId, rows }: { patientId: string; rows: ReconcileRow[] }) {
  const dispatch = useAppDispatch();
  const s = useAppSelector(selectSend);
  const patient = useAppSelector(selectPatient);
  const ws = useAppSelector((st) => selectWorkspace(st, patientId));
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const [pruned, setPruned] = useState<{ kept: number; dropped: number } | null>(null);
  useEffect(() => heading.current?.focus(), [s.phase]);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const freshRead: MedicationRead | null = patient.status === 'loaded' && patient.read && s.readBefore && patient.read.readId !== s.readBefore.readId ? patient.read : null;
  useEffect(() => {
    if (s.phase !== 'conflict' || !freshRead || !s.rowsBefore || pruned) return;
    // rows were recomputed from the fresh read once its readId differs
    const keep = rowsStillApplying(s.rowsBefore, rows);
    const before = Object.keys(ws.decisions).length;
    const kept = Object.keys(ws.decisions).filter((id) => keep.includes(id)).length;
    dispatch(decisionsKept({ patientId, rowIds: keep }));
    setPruned({ kept, dropped: before - kept });
  }, [s.phase, freshRead, s.rowsBefore, rows, pruned, ws.decisions, dispatch, patientId]);

  // A queued send: what the outbox has done with it since (its state is stored in clear text).
  const queuedState = useLiveQuery(async () => (s.phase === 'queued' && s.idempotencyKey ? ((await appDb().outbox.get(s.idempotencyKey))?.state ?? null) : null), [s.phase, s.idempotencyKey]);

  if (!s.plan || !s.readBefore) return null;
  const summary = summarisePlan(s.readBefore, s.plan);
  const nameOf = (reseptId: string) =>
    s.plan!.newPrescriptions.find((p) => p.reseptId === reseptId)?.medicine.name ?? s.readBefore!.prescriptions.find((p) => p.reseptId === reseptId)?.medicine.name ?? reseptId;

  return (
    <section className="send-flow" aria-labelledby="send-heading" data-testid="send-flow" data-phase={s.phase}>
      {s.phase === 'review' && (
        <>
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {t.heading}
          </h3>
          <p>{t.intro}</p>
          {!summary.national && <p className="status status-warning">{t.nothingNational}</p>}
          <div className="send-summary" data-testid="send-summary">
            <h4>{t.newPrescriptions}</h4>
            {summary.newPrescriptions.length === 0 ? (
              <p className="muted">{t.none}</p>
            ) : (
              <ul>
                {summary.newPrescriptions.map((p) => (
                  <li key={p.reseptId}>
                    <strong>{p.name}</strong> – {p.dosage}, {t.expires(formatDate(p.expiresOn))}
                    {p.renews ? ` (${t.renews})` : ''}
                  </li>
                ))}
              </ul>
            )}
            <h4>{t.recalls}</h4>
            {summary.recalls.length === 0 ? (
              <p className="muted">{t.none}</p>
            ) : (
              <ul>
                {summary.recalls.map((r) => (
                  <li key={r.reseptId}>
                    <strong>{r.name}</strong> – {t.recallReason[r.reason] ?? r.reason}
                    {r.note ? `: ${r.note}` : ''}
                  </li>
                ))}
              </ul>
            )}
            <h4>{t.pllChanges}</h4>
            {!summary.sendsPll ? (
              <p className="muted">{t.noPll}</p>
            ) : summary.pll.length === 0 ? (
              <p className="muted">{t.pllUnchanged}</p>
            ) : (
              <ul>
                {summary.pll.map((e) => (
                  <li key={e.libId}>
                    {t.pllChange[e.change]}: <strong>{e.name}</strong> – {e.dosage}
                  </li>
                ))}
              </ul>
            )}
            {s.localAfter && <p className="muted">{t.localChanges(s.localAfter.filter((e) => e.updatedAt === s.plan!.sentAt).length)}</p>}
          </div>
          {!confirming ? (
            <div className="button-row">
              <button type="button" className="btn btn-primary" onClick={() => setConfirming(true)}>
                {summary.national ? t.sign : t.saveLocal}
              </button>
              <button type="button" className="btn btn-secondary" onClick={() => dispatch(sendClosed())}>
                {t.back}
              </button>
            </div>
          ) : (
            <div className="confirm" role="group" aria-labelledby="confirm-q">
              <p id="confirm-q">{summary.national ? t.confirmQuestion(summary.newPrescriptions.length, summary.recalls.length, summary.sendsPll) : t.confirmLocal}</p>
              <div className="button-row">
                <button type="button" className="btn btn-primary" ref={confirmButton} data-testid="confirm-send" onClick={() => void dispatch(submitSend())}>
                  {summary.national ? t.confirmYes : t.saveLocal}
                </button>
                <button type="button" className="btn btn-secondary" onClick={() => setConfirming(false)}>
                  {nb.workspace.cancel}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {s.phase === 'sending' && (
        <>
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {t.heading}
          </h3>
          <p className="status status-loading" role="status">
            <span className="spinner" aria-hidden="true" />
            {t.sending} {s.attempts > 1 ? `(${t.attempt(s.attempts)})` : ''}
          </p>
        </>
      )}
      {s.phase === 'done' && s.result && (
        <>
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {summary.national ? t.doneHeading : t.savedHeading}
          </h3>
          {!summary.national && !s.localSaveError && <p data-testid="send-local-only">{t.doneLocal}</p>}
          {s.superseded > 0 && <p data-testid="send-superseded">{ot.superseded(s.superseded)}</p>}
          {s.localSaveError && (
            <div className="status status-error" role="alert" data-testid="local-save-failed">
              <p>{t.localSaveFailed}</p>
              <p className="detail">{s.localSaveError}</p>
            </div>
          )}
          <ul className="send-results" data-testid="send-results" hidden={!summary.national}>
            {s.result.operations.map((o) => (
              <li key={o.reseptId} className={o.resultCode === '0' ? 'result-ok' : 'result-failed'}>
                <strong>{nameOf(o.reseptId)}</strong>: {o.resultCode === '0' ? t.resultOk : t.resultFailed(o.resultCode, o.text)}
              </li>
            ))}
            {s.result.pll && <li className={s.result.pll.resultCode === '0' ? 'result-ok' : 'result-failed'}>{t.pllResult(s.result.pll.resultCode)}</li>}
          </ul>
          <button type="button" className="btn btn-primary" onClick={() => dispatch(sendClosed())}>
            {t.done}
          </button>
        </>
      )}
      {s.phase === 'conflict' && (
        <div role="alert" className="status status-warning" data-testid="send-conflict">
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {t.conflictHeading}
          </h3>
          {s.conflictDetail && <p className="detail">{s.conflictDetail}</p>}
          {!freshRead ? (
            patient.status === 'error' ? (
              <>
                <p>{t.conflictRefetchFailed}</p>
                <button type="button" className="btn btn-secondary" onClick={() => dispatch(sendClosed())}>
                  {t.back}
                </button>
              </>
            ) : (
              <p>{t.conflictFetching}</p>
            )
          ) : (
            <>
              <p>{t.conflictIntro}</p>
              {(() => {
                const changes = diffReads(s.readBefore, freshRead);
                return changes.length === 0 ? (
                  <p>{t.conflictNoChanges}</p>
                ) : (
                  <ul data-testid="conflict-changes">
                    {changes.map((c, i) => (
                      <li key={`${c.name}-${c.what}-${i}`}>
                        {t.change[c.what]}: <strong>{c.name}</strong>
                        {c.by ? ` ${t.by(c.by)}` : ''}
                        {c.at ? ` (${c.at.length > 10 ? formatDateTime(c.at) : formatDate(c.at)})` : ''}
                      </li>
                    ))}
                  </ul>
                );
              })()}
              {pruned && <p>{t.conflictKept(pruned.kept, pruned.dropped)}</p>}
              <button type="button" className="btn btn-primary" onClick={() => dispatch(sendClosed())}>
                {t.conflictBack}
              </button>
            </>
          )}
        </div>
      )}
      {s.phase === 'lost' && (
        <div role="alert" className="status status-warning" data-testid="send-lost">
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {t.lostHeading}
          </h3>
          <p>{t.lostIntro}</p>
          {s.error && <p className="detail">{s.error.message}</p>}
          {s.queued && (
            <p data-testid="send-outbox">
              <strong>{ot.waiting}.</strong> {ot.queuedAfterLost}
            </p>
          )}
          {s.queueError && (
            <p className="detail" data-testid="send-outbox-failed">
              {ot.queueFailed} ({s.queueError})
            </p>
          )}
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={() => void dispatch(submitSend())}>
              {t.retry}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => dispatch(sendClosed())}>
              {t.back}
            </button>
          </div>
        </div>
      )}
      {s.phase === 'queued' && (
        <div role="status" className="status status-warning" data-testid="send-queued" data-outbox-state={queuedState ?? 'pending'}>
          {queuedState === 'sent' ? (
            <>
              <h3 id="send-heading" tabIndex={-1} ref={heading}>
                {ot.sentHeading}
              </h3>
              <p>{ot.sentIntro}</p>
            </>
          ) : queuedState === 'conflict' || queuedState === 'discarded' || queuedState === 'superseded' ? (
            <>
              <h3 id="send-heading" tabIndex={-1} ref={heading}>
                {ot.refusedHeading}
              </h3>
              <p>{ot.refusedIntro}</p>
            </>
          ) : (
            <>
              <h3 id="send-heading" tabIndex={-1} ref={heading}>
                {ot.waiting}
              </h3>
              <p>{ot.queuedIntro}</p>
              <p>{ot.conflictLater}</p>
            </>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => dispatch(sendClosed())}>
            {ot.close}
          </button>
        </div>
      )}
      {s.phase === 'error' && s.error && (
        <div role="alert" className="status status-error" data-testid="send-error">
          <h3 id="send-heading" tabIndex={-1} ref={heading}>
            {t.errorHeading}
          </h3>
          <p>{s.error.message}</p>
          {s.error.detail && (
            <p className="detail">
              {nb.errors.detail}: <q>{s.error.detail}</q>
            </p>
          )}
          <button type="button" className="btn btn-secondary" onClick={() => dispatch(sendClosed())}>
            {t.back}
          </button>
        </div>
      )}
    </section>
  );
}
