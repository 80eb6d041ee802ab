import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useRef, type ReactNode, type RefObject } from 'react';
import { formatDosage } from '../../../../shared/dosage';
import type { Dosage, LocalListEntry, MedicationRead, Use } from '../../../../shared/model';
import { nb } from '../../i18n/nb';
import { formatDate, localIsoDate } from '../../i18n/format';
import { appDb, localListFor } from '../../db/db';
import { useAlignedPairRows } from './alignRows';
import { markerOf } from './markers';
import { matchSideBySide, nationalItems, summarise, type NationalItem, type SideBySideRow } from './sideBySide';

function dosageText(d: Dosage): string {
  try {
    return formatDosage(d);
  } catch {
    return d.text;
  }
}

/**
 * The local list beside PLL + valid prescriptions. The local list comes from Dexie (live); the
 * national side only exists once a read succeeded, and until then the local rows carry no marker.
 */
export function SideBySide({ patientId, read, loading }: { patientId: string; read: MedicationRead | null; loading: boolean }) {
  const local = useLiveQuery(() => localListFor(appDb(), patientId), [patientId]);
  const t = nb.reconcile;

  const rows = useMemo(() => {
    if (!local || !read) return null;
    return matchSideBySide(local, nationalItems(read, localIsoDate(new Date())));
  }, [local, read]);

  const localRows: { entry: LocalListEntry; row: SideBySideRow | null }[] = rows
    ? rows.flatMap((r) => ('local' in r ? [{ entry: r.local, row: r }] : []))
    : (local ?? []).map((entry) => ({ entry, row: null }));
  const nationalRows: { item: NationalItem; row: SideBySideRow }[] = rows
    ? rows.flatMap((r) => ('national' in r ? [{ item: r.national, row: r }] : []))
    : [];
  const summary = rows ? summarise(rows) : null;
  const pairIndex = new Map<SideBySideRow, string>();
  rows?.forEach((r, i) => {
    if ('local' in r && 'national' in r) pairIndex.set(r, String(i));
  });
  const localTable = useRef<HTMLTableSectionElement>(null);
  const nationalTable = useRef<HTMLTableSectionElement>(null);
  useAlignedPairRows(localTable, nationalTable, [rows]);

  return (
    <div className="side-by-side">
      {summary && (
        <p className="summary" data-testid="reconcile-summary">
          {t.summary(summary.same, summary.different, summary.onlyLocal, summary.onlyNational)}
        </p>
      )}
      <div className="columns">
        <section className="list-column" aria-label={t.localRegion}>
          <h3>{t.localHeading}</h3>
          {local === undefined ? (
            <p className="muted">{t.loadingLocal}</p>
          ) : localRows.length === 0 ? (
            <p className="muted">{t.emptyLocal}</p>
          ) : (
            <MedTable caption={t.localHeading} bodyRef={localTable}>
              {localRows.map(({ entry, row }) => (
                <MedRow
                  key={entry.id}
                  name={entry.medicine.name}
                  dosage={dosageText(entry.dosage)}
                  use={entry.use}
                  row={row}
                  pair={row ? pairIndex.get(row) : undefined}
                  note={entry.expiresOn ? t.expires(formatDate(entry.expiresOn)) : undefined}
                />
              ))}
            </MedTable>
          )}
        </section>
        <section className="list-column" aria-label={t.nationalRegion}>
          <h3>{t.nationalHeading}</h3>
          {read && !read.pllMessageId && read.pll.length === 0 && (
            <p className="list-note" data-testid="no-pll">{t.noPll}</p>
          )}
          {!read ? (
            <p className="muted">{loading ? t.nationalLoading : t.nationalNotFetched}</p>
          ) : nationalRows.length === 0 ? (
            <p className="muted">{t.emptyNational}</p>
          ) : (
            <MedTable caption={t.nationalHeading} bodyRef={nationalTable}>
              {nationalRows.map(({ item, row }) => (
                <MedRow
                  key={item.key}
                  name={item.medicine.name}
                  dosage={dosageText(item.dosage)}
                  use={item.use}
                  row={row}
                  pair={pairIndex.get(row)}
                  note={[
                    item.status ? t.prescriptionStatus[item.status] : item.source === 'pll' && !item.reseptId ? t.noPrescription : undefined,
                    item.expiresOn ? t.expires(formatDate(item.expiresOn)) : undefined,
                  ]
                    .filter(Boolean)
                    .join(', ')}
                />
              ))}
            </MedTable>
          )}
        </section>
      </div>
    </div>
  );
}

function MedTable({ caption, children, bodyRef }: { caption: string; children: ReactNode; bodyRef: RefObject<HTMLTableSectionElement | null> }) {
  const c = nb.reconcile.columns;
  return (
    <table className="med-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{c.status}</th>
          <th scope="col">{c.medicine}</th>
          <th scope="col">{c.dosage}</th>
          <th scope="col">{c.use}</th>
        </tr>
      </thead>
      <tbody ref={bodyRef}>{children}</tbody>
    </table>
  );
}

const STOPPED = new Set<SideBySideRow['kind']>(['discontinued-both', 'discontinued-local', 'discontinued-national']);

function MedRow({
  name,
  dosage,
  use,
  row,
  pair,
  note,
}: {
  name: string;
  dosage: string;
  use: Use;
  row: SideBySideRow | null;
  pair?: string | undefined;
  note?: string | undefined;
}) {
  const t = nb.reconcile;
  const marker = row ? markerOf(row) : null;
  const matchedBy = row && 'matchedBy' in row ? t.matchedBy[row.matchedBy] : undefined;
  return (
    <tr className={row && STOPPED.has(row.kind) ? 'row-stopped' : undefined} data-match={row?.kind ?? 'not-compared'} data-pair={pair}>
      <td className="marker-cell">
        {marker ? (
          <span className={`marker marker-${marker.tone}`} data-testid="match-marker">
            {marker.text}
          </span>
        ) : (
          <span className="not-compared">
            <span aria-hidden="true">–</span>
            <span className="visually-hidden">{t.notCompared}</span>
          </span>
        )}
        {matchedBy && <span className="matched-by">{matchedBy}</span>}
      </td>
      <td>
        <span className="med-name">{name}</span>
        {note && <span className="med-note">{note}</span>}
      </td>
      <td>{dosage}</td>
      <td>{t.use[use] ?? use}</td>
    </tr>
  );
}
