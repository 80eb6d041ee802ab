// On the patient: the sends of this patient that wait in the outbox ("Venter på sending (utboks)",
// with each pending recall by name) and those RF refused on replay, for the doctor. For the patient
// view to place near the lists: <PatientOutboxStatus patientId={identityNumber} />.
import { useLiveQuery } from 'dexie-react-hooks';
import { useAppSelector } from '../../app/hooks';
import { selectPatient } from '../patient/patientSlice';
import { patientOutbox } from './outbox';
import { useVault } from './vault';

export function PatientOutboxStatus({ patientId }: { patientId: string }) {
  const { db, keys } = useVault();
  const patient = useAppSelector(selectPatient);
  const box = useLiveQuery(() => patientOutbox(db, keys, patientId), [db, keys, patientId]);
  if (!box || (box.waiting.length === 0 && box.conflicts.length === 0)) return null;
  const prescriptions = patient.status === 'loaded' && patient.read?.patient.identityNumber === patientId ? patient.read.prescriptions : [];
  const nameOf = (reseptId: string) => prescriptions.find((p) => p.reseptId === reseptId)?.medicine.name ?? `resept ${reseptId}`;
  return (
    <div className="panel" data-testid="patient-outbox">
      {box.waiting.map((w) => (
        <div key={w.key} role="status" className="status status-warning" data-testid="patient-outbox-waiting">
          <strong>Venter på sending (utboks)</strong>
          <ul>
            {w.recalls.map((id) => (
              <li key={`r-${id}`} data-testid="pending-recall">
                Tilbakekalling av {nameOf(id)}: venter på sending (utboks)
              </li>
            ))}
            {w.newPrescriptions.map((name, i) => (
              <li key={`n-${i}`}>Ny resept {name}: venter på sending (utboks)</li>
            ))}
          </ul>
        </div>
      ))}
      {box.conflicts.map((c) => (
        <div key={c.key} role="alert" className="status status-error" data-testid="patient-outbox-conflict">
          <strong>Sendingen fra utboksen ble avvist av Reseptformidleren og er ikke registrert.</strong> Den må behandles av lege.
          {c.detail && <p className="detail">{c.detail}</p>}
        </div>
      ))}
    </div>
  );
}
