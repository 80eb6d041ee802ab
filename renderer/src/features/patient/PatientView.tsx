import { useLiveQuery } from 'dexie-react-hooks';
import { ageOn, formatIdentityNumber } from '../../../../shared/identity';
import type { CriticalInfo, IdentityKind, MedicationRead } from '../../../../shared/model';
import { nb } from '../../i18n/nb';
import { formatDate, formatDateTime } from '../../i18n/format';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { appDb, localPatients } from '../../db/db';
import { ReconcileView } from '../reconcile/ReconcileView';
import { openPatient, patientClosed, selectPatient } from './patientSlice';
import { EmergencyAccessForm, EmergencyAccessNotice } from '../audit/EmergencyAccess';
import { CachedReadOffer } from '../offline/CachedReadOffer';
import { PatientOutboxStatus } from '../offline/PatientOutboxStatus';

export function PatientView() {
  const p = useAppSelector(selectPatient);
  if (!p.identityNumber) return null;
  return (
    <article className="patient" aria-labelledby="patient-heading" aria-busy={p.status === 'loading'}>
      <PatientHeader identityNumber={p.identityNumber} identityKind={p.identityKind} read={p.read} />
      <ReadStatus />
      <PatientOutboxStatus patientId={p.identityNumber} />
      {p.read && <CaveBanner items={p.read.criticalInfo} />}
      {p.read && p.read.errors.length > 0 && <PartialErrors errors={p.read.errors} />}
      <ReconcileView patientId={p.identityNumber} read={p.read} loading={p.status === 'loading'} />
    </article>
  );
}

function PatientHeader({ identityNumber, identityKind, read }: { identityNumber: string; identityKind: IdentityKind | null; read: MedicationRead | null }) {
  const dispatch = useAppDispatch();
  const t = nb.patient;
  // Before (or without) a national read, the name comes from the local record.
  const localName = useLiveQuery(async () => {
    const p = (await localPatients(appDb())).find((x) => x.identityNumber === identityNumber);
    return p ? `${p.givenName} ${p.familyName}` : null;
  }, [identityNumber]);
  const patient = read?.patient;
  return (
    <header className="patient-header">
      <h2 id="patient-heading" data-testid="patient-name">
        {patient ? `${patient.givenName} ${patient.familyName}` : (localName ?? formatIdentityNumber(identityNumber))}
      </h2>
      <dl className="patient-facts">
        <div>
          <dt>{t.identityKind[patient?.identityKind ?? identityKind ?? 'FNR'] ?? t.identityNumber}</dt>
          <dd className="mono" data-testid="patient-identity">{formatIdentityNumber(identityNumber)}</dd>
        </div>
        {patient && (
          <>
            <div>
              <dt>{t.born}</dt>
              <dd>
                {formatDate(patient.birthDate)} (<span data-testid="patient-age">{t.age(ageOn(patient.birthDate, new Date()))}</span>)
              </dd>
            </div>
            <div>
              <dt className="visually-hidden">{t.sexLabel}</dt>
              <dd>{t.sex[patient.sex]}</dd>
            </div>
            {patient.multidose && (
              <div>
                <dt className="visually-hidden">{t.multidose}</dt>
                <dd className="tag">{t.multidose}</dd>
              </div>
            )}
          </>
        )}
      </dl>
      {read?.pllProposals && read.pllProposals.length > 0 && (
        <div className="notice" role="note" data-testid="pll-proposals">
          <strong>Forslag fra multidoseapotek (M25.2) venter på vurdering:</strong>
          <ul>
            {read.pllProposals.map((pr) => (
              <li key={pr.messageId}>
                {formatDateTime(pr.createdAt)}
                {pr.pharmacy ? `, ${pr.pharmacy}` : ''}
                {pr.note ? `: ${pr.note}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      <button type="button" className="btn btn-secondary btn-small patient-close" onClick={() => dispatch(patientClosed())}>
        {t.close}
      </button>
    </header>
  );
}

/** Loading, error with retry, or when the national data was fetched. */
function ReadStatus() {
  const dispatch = useAppDispatch();
  const p = useAppSelector(selectPatient);
  const t = nb.patient;
  if (p.status === 'loading') {
    return (
      <p className="status status-loading" role="status" data-testid="read-loading">
        <span className="spinner" aria-hidden="true" />
        {t.loading}
      </p>
    );
  }
  if (p.status === 'error' && p.error) {
    return (
      <div className="status status-error" role="alert" data-testid="read-error">
        <h3>{t.errorHeading}</h3>
        <p>{p.error.message}</p>
        {p.error.detail && (
          <p className="detail">
            {nb.errors.detail}: <q>{p.error.detail}</q>
          </p>
        )}
        <p className="detail">{t.noDataShown}</p>
        {p.error.emergencyAccessRequired && p.identityNumber && p.identityKind && <EmergencyAccessForm identityNumber={p.identityNumber} kind={p.identityKind} />}
        {(p.error.kind === 'network' || p.error.kind === 'timeout') && p.identityNumber && <CachedReadOffer identityNumber={p.identityNumber} />}
        {p.identityNumber && p.identityKind && p.error.kind !== 'no-session' && !p.error.emergencyAccessRequired && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void dispatch(openPatient({ identityNumber: p.identityNumber!, kind: p.identityKind! }))}
          >
            {t.retry}
          </button>
        )}
      </div>
    );
  }
  if (p.status === 'loaded' && p.read) {
    const { rfFetchedAt, kjFetchedAt } = p.read;
    return (
      <>
      <EmergencyAccessNotice />
      <div className="status status-fetched" role="status" data-testid="read-fetched">
        <p>{rfFetchedAt ? t.fetchedRf(formatDateTime(rfFetchedAt)) : t.fetchTimeUnknownRf}</p>
        {kjFetchedAt && <p>{t.fetchedKj(formatDateTime(kjFetchedAt))}</p>}
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void dispatch(openPatient({ identityNumber: p.identityNumber!, kind: p.identityKind!, ...(p.emergencyReason ? { emergencyReason: p.emergencyReason } : {}) }))}
        >
          {t.refresh}
        </button>
      </div>
      </>
    );
  }
  return null;
}

function CaveBanner({ items }: { items: CriticalInfo[] }) {
  const t = nb.patient.cave;
  if (items.length === 0) {
    return <p className="cave-none">{t.none}</p>;
  }
  return (
    <section className="cave" aria-labelledby="cave-heading" data-testid="cave-banner">
      <h3 id="cave-heading">{t.heading}</h3>
      <ul>
        {items.map((c) => (
          <li key={c.id}>
            <strong>{c.agent}</strong>
            {' – '}
            {t.kind[c.kind] ?? c.kind}
            {c.reaction ? `: ${c.reaction}` : ''}
            {c.severity ? ` (${t.severity[c.severity] ?? c.severity})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function PartialErrors({ errors }: { errors: MedicationRead['errors'] }) {
  const t = nb.patient;
  return (
    <section className="status status-warning" role="alert" aria-labelledby="partial-heading">
      <h3 id="partial-heading">{t.partialErrorsHeading}</h3>
      <ul>
        {errors.map((e, i) => (
          <li key={`${e.source}-${e.code}-${i}`}>
            {t.partialSource[e.source] ?? e.source}: {e.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
