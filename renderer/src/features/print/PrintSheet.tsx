import { formatIdentityNumber } from '../../../../shared/identity';
import type { LocalListEntry, MedicationRead } from '../../../../shared/model';
import { nb } from '../../i18n/nb';
import { formatDate, formatDateTime } from '../../i18n/format';
import { PRINT_SLOTS, printSchedule } from './printList';

const t = nb.print;

/** Hidden on screen; the only thing on paper (see @media print in styles.css). */
export function PrintSheet({ read, local, now, printedBy }: { read: MedicationRead; local: LocalListEntry[]; now: Date; printedBy?: string }) {
  const s = printSchedule(local);
  const p = read.patient;
  return (
    <div className="print-sheet" data-testid="print-sheet">
      <h2>
        {t.title}: {p.givenName} {p.familyName}
      </h2>
      <p>
        {formatIdentityNumber(p.identityNumber)}, {t.born(formatDate(p.birthDate))}
        {p.multidose ? ` · ${nb.patient.multidose}` : ''}
      </p>
      <p>
        {t.asOf(formatDateTime(now.toISOString()))}
        {printedBy ? ` · ${t.printedBy(printedBy)}` : ''}
        {read.rfFetchedAt ? ` · ${t.dataAsOf(formatDateTime(read.rfFetchedAt))}` : ''}
      </p>
      {read.criticalInfo.length > 0 && (
        <p className="print-cave">
          <strong>{t.cave}:</strong> {read.criticalInfo.map((c) => `${c.agent}${c.reaction ? ` (${c.reaction})` : ''}`).join('; ')}
        </p>
      )}
      {s.all.length === 0 && <p>{t.empty}</p>}
      {PRINT_SLOTS.filter((slot) => s.slots[slot].length > 0).map((slot) => (
        <section key={slot} className="print-slot">
          <h3>{t.slots[slot]}</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.medicine}</th>
                <th scope="col">{t.dose}</th>
                <th scope="col">{t.note}</th>
              </tr>
            </thead>
            <tbody>
              {s.slots[slot].map((l, i) => (
                <tr key={`${l.name}-${i}`}>
                  <td>{l.name}</td>
                  <td>
                    {l.dose}
                    {l.label && slot !== 'asNeeded' && slot !== 'unscheduled' && l.label !== t.slots[slot]?.toLowerCase() ? ` (${l.label})` : ''}
                  </td>
                  <td>{[l.note, l.purpose].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {s.all.length > 0 && (
        <section className="print-slot">
          <h3>{t.allHeading}</h3>
          <ul>
            {s.all.map((a) => (
              <li key={a.name}>
                <strong>{a.name}</strong>: {a.dosage}
                {a.purpose ? ` (${a.purpose})` : ''}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
