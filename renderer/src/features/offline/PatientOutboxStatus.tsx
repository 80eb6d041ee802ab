// On the patient: the sends of this patient that wait in the outbox ("Venter på sending (utboks)",
// with each pending recall by name) and those RF refused on replay. A refused send is never applied
// or retried by itself: it stays here, saying what RF answered (what changed, by whom), until the
// doctor decides: read again and reconcile anew (the local list still holds her change, so it shows
// as a difference to decide again; the next registered send replaces this one), or discard it.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { formatDateTime } from '../../i18n/format';
import { nb } from '../../i18n/nb';
import { openPatient, selectPatient } from '../patient/patientSlice';
import { selectSend, sendClosed } from '../send/sendSlice';
import { selectUserId } from '../session/sessionSlice';
import { findUser } from '../session/users';
import { brokerAnswerParts, discardConflictLogged, markConflictRework, patientOutbox, type OutboxConflict } from './outbox';
import { useVault } from './vault';

const t = nb.patientOutbox;

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
          <strong>{t.waiting}</strong>
          <ul>
            {w.recalls.map((id) => (
              <li key={`r-${id}`} data-testid="pending-recall">
                {t.recall(nameOf(id))}
              </li>
            ))}
            {w.newPrescriptions.map((name, i) => (
              <li key={`n-${i}`}>{t.prescription(name)}</li>
            ))}
          </ul>
        </div>
      ))}
      {box.conflicts.map((c) => (
        <OutboxConflictPanel key={c.key} conflict={c} patientId={patientId} nameOf={nameOf} />
      ))}
    </div>
  );
}

function OutboxConflictPanel({ conflict: c, patientId, nameOf }: { conflict: OutboxConflict; patientId: string; nameOf: (reseptId: string) => string }) {
  const { db, keys } = useVault();
  const dispatch = useAppDispatch();
  const patient = useAppSelector(selectPatient);
  const userId = useAppSelector(selectUserId);
  const send = useAppSelector(selectSend);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const discardButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    if (confirming) yes.current?.focus();
    else if (wasConfirming.current) discardButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const headingId = `outbox-conflict-${c.key}`;
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(t.failed(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };

  const rework = () =>
    run(async () => {
      if (!userId) return;
      await markConflictRework(db, c.key, userId);
      // A finished send flow of this patient (e.g. "waiting in the outbox") gives way to the workspace.
      if (send.patientId === patientId && send.phase !== 'sending') dispatch(sendClosed());
      const kind = patient.identityNumber === patientId && patient.identityKind ? patient.identityKind : 'FNR';
      await dispatch(openPatient({ identityNumber: patientId, kind }));
      // The fresh reconciliation: focus the first row that asks for a position, so the keyboard flow goes on.
      const row = document.querySelector<HTMLElement>('[data-testid="reconcile-row"]:not([data-status="in-sync"])') ?? document.querySelector<HTMLElement>('[data-testid="workspace"]');
      row?.focus();
      row?.scrollIntoView({ block: 'center' });
    });

  const discard = () =>
    run(async () => {
      const user = findUser(userId);
      if (!user) return;
      await discardConflictLogged(db, keys, c.key, user, patientId);
      // The panel goes away with the conflict: keep the keyboard on the patient, at its heading.
      const heading = document.getElementById('patient-heading');
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    });

  const held = [...c.recalls.map((id) => t.recallHeld(nameOf(id))), ...c.newPrescriptions.map((name) => t.prescriptionHeld(name))];
  return (
    <section className="status status-error outbox-conflict" aria-labelledby={headingId} data-testid="patient-outbox-conflict" data-rework={c.reworkAt ? 'true' : 'false'}>
      <h3 id={headingId} role="alert">
        {t.conflictHeading}
      </h3>
      <p>{t.conflictWhen(formatDateTime(c.createdAt), c.conflictAt ? formatDateTime(c.conflictAt) : null)}</p>
      {c.detail && (
        <>
          <p data-testid="outbox-conflict-detail">
            <strong>{t.answer}:</strong> {brokerAnswerParts(c.detail).nb}
          </p>
          {brokerAnswerParts(c.detail).full && (
            <details className="detail">
              <summary>{t.fullAnswer}</summary>
              <p>{c.detail}</p>
            </details>
          )}
        </>
      )}
      <p>
        <strong>{t.held}:</strong> <span data-testid="outbox-conflict-held">{held.length > 0 ? held.join('; ') : t.pllOnly}</span>
      </p>
      {c.reworkAt && (
        <p data-testid="outbox-conflict-rework">
          <strong>{t.reworkChosen(formatDateTime(c.reworkAt))}</strong>
        </p>
      )}
      {!confirming ? (
        <>
          <p className="detail" id={`${headingId}-rework`}>
            {t.reworkHelp}
          </p>
          <div className="button-row">
            <button type="button" className="btn btn-primary" disabled={busy} aria-describedby={`${headingId}-rework`} onClick={() => void rework()}>
              {t.rework}
            </button>
            <button type="button" className="btn btn-secondary" disabled={busy} ref={discardButton} onClick={() => setConfirming(true)}>
              {t.discard}
            </button>
          </div>
        </>
      ) : (
        <div className="confirm" role="group" aria-labelledby={`${headingId}-q`}>
          <p id={`${headingId}-q`}>{t.discardQuestion}</p>
          <div className="button-row">
            <button type="button" className="btn btn-primary" ref={yes} disabled={busy} onClick={() => void discard()}>
              {t.discardYes}
            </button>
            <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {t.cancel}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="detail">
          {error}
        </p>
      )}
    </section>
  );
}
