import { useEffect, useId, useState, type FormEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { parseIdentityNumber, formatIdentityNumber } from '../../../../shared/identity';
import { nb } from '../../i18n/nb';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { appDb, localPatients } from '../../db/db';
import { loadRead } from '../../db/reads';
import { openPatient, selectPatient, warmPatientToken } from './patientSlice';
import { patientTokens } from './tokenCache';
import { recentOpenedPatients } from '../audit/auditLog';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';

export function PatientSearch() {
  const dispatch = useAppDispatch();
  const { status, identityNumber } = useAppSelector(selectPatient);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const t = nb.patient;
  const userId = useAppSelector(selectUserId);

  // The token for the first open is fetched while the user types; it goes with the session.
  useEffect(() => {
    if (!userId) return;
    dispatch(warmPatientToken());
    return () => patientTokens.forget(userId);
  }, [dispatch, userId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseIdentityNumber(value);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(null);
    void dispatch(openPatient({ identityNumber: parsed.value, kind: parsed.kind }));
  };

  return (
    <section className="patient-search" aria-label={t.searchHeading}>
      <form className="search-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={inputId}>{t.identityLabel}</label>
          <input
            id={inputId}
            // After choosing a user the picker's button is gone: focus goes here, not to the page body.
            autoFocus
            name="identityNumber"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              if (error) setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          />
          <span id={hintId} className="hint">{t.identityHint}</span>
          {error && (
            <span id={errorId} className="field-error" role="alert" data-testid="identity-error">
              {error}
            </span>
          )}
        </div>
        <button type="submit" className="btn btn-primary" disabled={status === 'loading'}>
          {t.open}
        </button>
      </form>
      <RecentPatients
        current={identityNumber}
        onOpen={(id) => {
          const parsed = parseIdentityNumber(id);
          if (!parsed.ok) return;
          setValue(id);
          setError(null);
          void dispatch(openPatient({ identityNumber: parsed.value, kind: parsed.kind }));
        }}
      />
      <LocalPatientList
        current={identityNumber}
        onOpen={(id, kind) => {
          setValue(id);
          setError(null);
          void dispatch(openPatient({ identityNumber: id, kind }));
        }}
      />
    </section>
  );
}

function LocalPatientList({ current, onOpen }: { current: string | null; onOpen: (id: string, kind: 'FNR' | 'DNR' | 'HNR') => void }) {
  const patients = useLiveQuery(() => localPatients(appDb()), []);
  if (!patients?.length) return null;
  return (
    <details className="local-patients">
      <summary>{nb.patient.demoPatientsHeading}</summary>
      <ul>
        {patients.map((p) => (
          <li key={p.identityNumber}>
            <button
              type="button"
              className="btn btn-link"
              aria-current={p.identityNumber === current ? 'true' : undefined}
              onClick={() => onOpen(p.identityNumber, p.identityKind)}
            >
              {p.givenName} {p.familyName}
            </button>{' '}
            <span className="mono">{formatIdentityNumber(p.identityNumber)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The patients this user opened last on this workstation, from the user's own (encrypted) audit log. */
function RecentPatients({ current, onOpen }: { current: string | null; onOpen: (id: string) => void }) {
  const { db, keys } = useVault();
  const userId = useAppSelector(selectUserId);
  const recent = useLiveQuery(async () => (userId ? recentOpenedPatients(db, keys, userId) : []), [db, keys, userId]);
  // The name from the local journal, else from the patient's stored national read (sealed; this
  // machine read it when the patient was opened or the unit downloaded), else only the number.
  const names = useLiveQuery(async () => {
    const out = new Map<string, string>();
    const local = await localPatients(appDb());
    for (const id of recent ?? []) {
      const p = local.find((x) => x.identityNumber === id);
      const fromRead = p ? undefined : (await loadRead(db, keys, id).catch(() => undefined))?.read.patient;
      const who = p ?? fromRead;
      if (who) out.set(id, `${who.givenName} ${who.familyName}`);
    }
    return out;
  }, [recent, db, keys]);
  if (!recent?.length) return null;
  const nameOf = (id: string) => names?.get(id) ?? null;
  return (
    <nav className="recent-patients" aria-label="Nylig åpnede pasienter" data-testid="recent-patients">
      <h2 className="recent-heading">Nylig åpnet</h2>
      <ul>
        {recent.map((id) => (
          <li key={id}>
            <button type="button" className="btn btn-link" aria-current={id === current ? 'true' : undefined} onClick={() => onOpen(id)}>
              {nameOf(id) ?? formatIdentityNumber(id)}
            </button>
            {nameOf(id) && (
              <>
                {' '}
                <span className="mono">{formatIdentityNumber(id)}</span>
              </>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
