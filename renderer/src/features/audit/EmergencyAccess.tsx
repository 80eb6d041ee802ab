// Emergency access (issue 7): a patient outside the user's care opens only with a reason, given in
// a form in place of the refusal (no popup). The reason goes to the local audit log first, then to
// the broker as X-Emergency-Access-Reason, which logs it as emergency access too.

import { useId, useState } from 'react';
import type { IdentityKind } from '../../../../shared/model';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { openPatient, patientClosed, selectPatient } from '../patient/patientSlice';
import { nb } from '../../i18n/nb';
import { useAudit } from './useAudit';

const t = nb.emergency;

export const MIN_REASON_LENGTH = 10;

export function EmergencyAccessForm({ identityNumber, kind }: { identityNumber: string; kind: IdentityKind }) {
  const dispatch = useAppDispatch();
  const audit = useAudit();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <form
      className="emergency-form"
      aria-labelledby={`${id}-h`}
      data-testid="emergency-access-form"
      onSubmit={(e) => {
        e.preventDefault();
        const text = reason.trim();
        if (text.length < MIN_REASON_LENGTH) {
          setError(t.reasonTooShort);
          return;
        }
        setBusy(true);
        audit('emergency-access', identityNumber, text).then(
          () => void dispatch(openPatient({ identityNumber, kind, emergencyReason: text })),
          (err: unknown) => {
            setBusy(false);
            setError(t.logFailed(err instanceof Error ? err.message : String(err)));
          },
        );
      }}
    >
      <h3 id={`${id}-h`}>{t.title}</h3>
      <p>{t.intro}</p>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t.reasonLabel}</label>
        <textarea
          id={`${id}-reason`}
          rows={3}
          value={reason}
          aria-describedby={`${id}-hint${error ? ` ${id}-err` : ''}`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => (setReason(e.target.value), setError(null))}
        />
        <p id={`${id}-hint`} className="hint">
          {t.reasonHint}
        </p>
        {error && (
          <p id={`${id}-err`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t.submit}
      </button>{' '}
      <button type="button" className="btn btn-secondary" onClick={() => dispatch(patientClosed())}>
        {t.cancel}
      </button>
    </form>
  );
}

/** Shown above a patient opened under emergency access. */
export function EmergencyAccessNotice() {
  const p = useAppSelector(selectPatient);
  if (!p.emergencyReason || p.status !== 'loaded') return null;
  return (
    <p className="status status-warning" role="status" data-testid="emergency-access-notice">
      {t.active(p.emergencyReason)}
    </p>
  );
}
