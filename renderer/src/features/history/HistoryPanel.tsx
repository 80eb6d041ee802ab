import { useEffect, useState } from 'react';
import type { MedicationRead } from '../../../../shared/model';
import { defaultExtra } from '../../app/extra';
import { useAppSelector } from '../../app/hooks';
import { toErrorInfo } from '../../api/broker';
import { formatDate, formatDateTime } from '../../i18n/format';
import { nb } from '../../i18n/nb';
import { platform } from '../../platform';
import { selectUserId } from '../session/sessionSlice';
import { fetchPllHistory, HISTORY_ERROR, type PllVersion } from './historyApi';
import { diffPll, type PllEntryChange } from './pllHistory';

const t = nb.history;
const shown = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : v);

type Load = { state: 'idle' } | { state: 'loading' } | { state: 'ok'; versions: PllVersion[] } | { state: 'error'; message: string; detail?: string };

/** The patient's PLL versions from the broker (loaded when the panel opens), newest first, each with what changed from the one before. */
export function HistoryPanel({ read }: { read: MedicationRead }) {
  const userId = useAppSelector(selectUserId);
  const [open, setOpen] = useState(false);
  const [load, setLoad] = useState<Load>({ state: 'idle' });
  const patient = read.patient.identityNumber;

  // Loads when the panel opens, and again when the patient or the PLL changes while it is open.
  // (The load state is not a dependency: setting it to 'loading' must not cancel this very load.)
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setLoad({ state: 'loading' });
    (async () => {
      const [info, broker] = await Promise.all([platform().getAppInfo(), defaultExtra.broker()]);
      const token = userId ? await broker.getToken(userId) : null;
      return fetchPllHistory(info.brokerUrl, patient, token);
    })().then(
      (versions) => !cancelled && setLoad({ state: 'ok', versions }),
      (err: unknown) => {
        if (cancelled) return;
        const info = toErrorInfo(err);
        setLoad({ state: 'error', message: info.message.startsWith(HISTORY_ERROR) ? info.message : `${HISTORY_ERROR} ${info.message}`, ...(info.detail ? { detail: info.detail } : {}) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [open, patient, userId, read.pllMessageId]);

  const versions = load.state === 'ok' ? load.versions : [];
  return (
    <details className="history" data-testid="pll-history" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{load.state === 'ok' ? `Historikk for PLL (${versions.length} ${versions.length === 1 ? 'versjon' : 'versjoner'})` : 'Historikk for PLL'}</summary>
      {load.state === 'loading' && <p className="muted">Henter tidligere versjoner av legemiddellisten …</p>}
      {load.state === 'error' && (
        <p role="alert" className="error" data-testid="pll-history-error">
          {load.message}
          {load.detail ? ` (${load.detail})` : ''}
        </p>
      )}
      {load.state === 'ok' && versions.length === 0 && <p>Pasienten har ingen lagrede versjoner av legemiddellisten (PLL).</p>}
      {load.state === 'ok' && versions.length > 0 && (
        <>
          <p className="muted">Alle versjoner av pasientens legemiddelliste som Reseptformidleren har lagret, nyeste først.</p>
          <ol reversed className="history-versions">
            {versions
              .map((v, i) => ({ v, prev: versions[i - 1] }))
              .reverse()
              .map(({ v, prev }) => {
                const changes = prev ? diffPll(prev.entries, v.entries) : null;
                return (
                  <li key={v.messageId} data-testid="pll-version">
                    <h4>
                      {`Versjon ${formatDateTime(v.createdAt)}`}
                      {v.author ? ` av ${v.author.name}${v.author.organisation ? `, ${v.author.organisation}` : ''}` : ''}
                      {` (melding ${v.messageId.slice(0, 8)})`}
                    </h4>
                    {!changes ? <p>{t.first(v.entries.length)}</p> : <Changes changes={changes} />}
                  </li>
                );
              })}
          </ol>
          {versions.length > 2 && <Compare versions={versions} />}
        </>
      )}
    </details>
  );
}

function Changes({ changes }: { changes: PllEntryChange[] }) {
  if (changes.length === 0) return <p>{t.noChanges}</p>;
  return (
    <ul>
      {changes.map((c) => (
        <li key={c.libId}>
          <strong>
            {t.change[c.change]}: {c.name}
          </strong>
          {c.by ? ` ${t.by(c.by)}` : ''}
          {c.fields.length > 0 && (
            <ul>
              {c.fields.map(([label, before, after]) => (
                <li key={label}>{t.field(label, shown(before), shown(after))}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

const versionLabel = (v: PllVersion) => `${formatDateTime(v.createdAt)}${v.author ? `, ${v.author.name}` : ''} (${v.messageId.slice(0, 8)})`;

function VersionSelect({ label, versions, value, onChange }: { label: string; versions: PllVersion[]; value: number; onChange: (i: number) => void }) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((v, i) => (
          <option key={v.messageId} value={i}>
            {versionLabel(v)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Any two versions side by side: what changed from the one chosen as «fra» to the one chosen as «til». Versions oldest first. */
function Compare({ versions }: { versions: PllVersion[] }) {
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(versions.length - 1);
  const a = versions[Math.min(from, versions.length - 1)]!;
  const b = versions[Math.min(to, versions.length - 1)]!;
  return (
    <section className="history-compare" data-testid="pll-compare">
      <h4>Sammenlign to versjoner</h4>
      <VersionSelect label="Fra" versions={versions} value={from} onChange={setFrom} />{' '}
      <VersionSelect label="til" versions={versions} value={to} onChange={setTo} />
      {a === b ? <p>Velg to forskjellige versjoner.</p> : <Changes changes={diffPll(a.entries, b.entries)} />}
    </section>
  );
}
