// Logs what happens in the parts of the app that do not know about the local audit log: every
// national read of a patient (patient open), every completed send, and every print of the page
// while a patient is open (the browser's beforeprint, so Ctrl+P counts too). Also tells the
// connectivity tracker when a patient read failed for network reasons, and caches each read (sealed).
import { useEffect, useRef } from 'react';
import { useAppSelector } from '../../app/hooks';
import { reportBrokerReachable } from '../offline/connectivity';
import { selectPatient } from '../patient/patientSlice';
import { selectSend } from '../send/sendSlice';
import { useAudit } from './useAudit';
import { saveRead } from '../../db/reads';
import { useVault } from '../offline/vault';
import { AuditShipper } from './AuditShipper';

const logFailure = (err: unknown) => console.error('Samstem: revisjonslogg feilet', err);

/** Set by views that log their own print (the ward view logs the resident or unit printed). */
export const printLogging = { handledByView: false };

export function AuditObserver() {
  const audit = useAudit();
  const { db, keys } = useVault();
  const p = useAppSelector(selectPatient);
  const send = useAppSelector(selectSend);
  const loggedRead = useRef<string | null>(null);
  const loggedSend = useRef<string | null>(null);

  useEffect(() => {
    const readId = p.read?.readId;
    if (p.status === 'error' && p.error) reportBrokerReachable(!(p.error.kind === 'network' || p.error.kind === 'timeout'));
    if (p.status !== 'loaded' || !readId || loggedRead.current === readId || !p.identityNumber) return;
    reportBrokerReachable(true);
    loggedRead.current = readId;
    audit('patient-open', p.identityNumber, p.emergencyReason ?? undefined).catch(logFailure);
    // Cache the national read (sealed) for offline use; not for emergency access, which is for now only.
    if (p.read && !p.emergencyReason) {
      saveRead(db, keys, p.read, p.read.rfFetchedAt ?? new Date().toISOString()).catch((err: unknown) => console.error('Samstem: kunne ikke lagre lesningen lokalt', err));
    }
  }, [p.status, p.read, p.identityNumber, p.error, p.emergencyReason, audit, db, keys]);

  useEffect(() => {
    if (send.phase !== 'done' || !send.idempotencyKey || !send.patientId || loggedSend.current === send.idempotencyKey) return;
    loggedSend.current = send.idempotencyKey;
    audit('send', send.patientId, `Idempotency-Key ${send.idempotencyKey}`).catch(logFailure);
  }, [send.phase, send.idempotencyKey, send.patientId, audit]);

  const openPatient = p.status === 'loaded' ? p.identityNumber : null;
  useEffect(() => {
    const onBeforePrint = () => {
      if (printLogging.handledByView || !openPatient) return;
      audit('print', openPatient).catch(logFailure);
    };
    window.addEventListener('beforeprint', onBeforePrint);
    return () => window.removeEventListener('beforeprint', onBeforePrint);
  }, [openPatient, audit]);
  return <AuditShipper />;
}
