import { useEffect } from 'react';
import type { MedicationRead } from '../../../../shared/model';
import { nb } from '../../i18n/nb';
import { formatDate, formatDateTime } from '../../i18n/format';
import { diffPll, recordRead, usePllVersions } from './pllHistory';

const t = nb.history;
const shown = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : v);

/** PLL versions seen for the patient, newest first, each with what changed from the one before. */
export function HistoryPanel({ read }: { read: MedicationRead }) {
  useEffect(() => recordRead(read), [read]);
  const versions = usePllVersions(read.patient.identityNumber);
  if (versions.length === 0) return null;
  return (
    <details className="history" data-testid="pll-history">
      <summary>{t.heading(versions.length)}</summary>
      <p className="muted">{t.scope}</p>
      <ol reversed className="history-versions">
        {[...versions]
          .map((v, i) => ({ v, prev: versions[i - 1] }))
          .reverse()
          .map(({ v, prev }) => {
            const changes = prev ? diffPll(prev.entries, v.entries) : null;
            return (
              <li key={v.messageId} data-testid="pll-version">
                <h4>{t.version(formatDateTime(v.fetchedAt), v.messageId.slice(0, 8))}</h4>
                {!changes ? (
                  <p>{t.first(v.entries.length)}</p>
                ) : changes.length === 0 ? (
                  <p>{t.noChanges}</p>
                ) : (
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
                )}
              </li>
            );
          })}
      </ol>
    </details>
  );
}
