// The nurse's unit (issue 7): download every resident's medication for offline use, then a
// read-only view per resident and for the whole unit, by round of the day, from the encrypted cache.

import { format, parseISO } from 'date-fns';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatIdentityNumber } from '../../../../shared/identity';
import type { CriticalInfo } from '../../../../shared/model';
import { useAppSelector } from '../../app/hooks';
import { defaultExtra } from '../../app/extra';
import { DEFAULT_SETTINGS, numberSetting, SETTING_KEYS } from '../../db/db';
import { openReadRow } from '../../db/reads';
import { formatDate } from '../../i18n/format';
import { nb } from '../../i18n/nb';
import { printLogging } from '../audit/AuditObserver';
import { useAudit } from '../audit/useAudit';
import { reportBrokerReachable, useConnectivity } from '../offline/connectivity';
import { dataTime } from '../offline/dataTime';
import { useVault } from '../offline/vault';
import { selectUserId } from '../session/sessionSlice';
import { findUser } from '../session/users';
import { PurgeOnSignOutSetting } from '../session/PurgeOnSignOutSetting';
import { isStale, oldestFetch, residentSchedule, ROUNDS, type ResidentSchedule, type Round, type ScheduleItem } from './wardModel';
import { toErrorInfo } from '../../api/broker';
import { appRoster } from './rosterClient';
import { downloadWard, loadUnits, WardDownloadAborted, WardDownloadError, type DownloadProgress, type WardUnits } from './wardSync';
import './ward.css';

const t = nb.ward;

/** How often a downloaded unit is refreshed in the background while online. */
const BACKGROUND_REFRESH_MS = 15 * 60_000;

type View = { kind: 'list' } | { kind: 'resident'; identityNumber: string } | { kind: 'overview' };

export function WardPanel() {
  const { db, keys } = useVault();
  const user = findUser(useAppSelector(selectUserId));
  const audit = useAudit();
  const { online } = useConnectivity();
  // The units: the broker's roster online, the ones downloaded here offline (wardSync.loadUnits).
  const [unitList, setUnitList] = useState<WardUnits | null>(null);
  useEffect(() => {
    if (!user) return;
    let live = true;
    (async () => {
      const [broker, roster] = await Promise.all([defaultExtra.broker(), appRoster()]);
      const result = await loadUnits({ db, keys, broker, roster, userId: user.id, memberOf: user.units, online });
      if (result.source === 'broker') reportBrokerReachable(true);
      else if (result.error && (result.error.kind === 'network' || result.error.kind === 'timeout')) reportBrokerReachable(false);
      if (live) setUnitList(result);
    })().catch((err: unknown) => live && setUnitList({ units: [], source: 'downloaded', error: toErrorInfo(err) }));
    return () => {
      live = false;
    };
  }, [db, keys, user, online]);
  const units = useMemo(() => unitList?.units ?? [], [unitList]);
  const [chosenUnitId, setUnitId] = useState<string | undefined>();
  const unit = units.find((u) => u.unitId === chosenUnitId) ?? units[0];
  const unitId = unit?.unitId;
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'warning'; text: string } | null>(null);
  const [view, setView] = useState<View>({ kind: 'list' });
  const openResident = useCallback((id: string) => setView({ kind: 'resident', identityNumber: id }), []);
  const openOverview = useCallback(() => setView({ kind: 'overview' }), []);
  const running = useRef(false);
  const staleHours = useLiveQuery(() => numberSetting(db, 'staleAfterHours'), [db]) ?? DEFAULT_SETTINGS.staleAfterHours;

  const stored = useLiveQuery(async () => {
    if (!unitId) return null;
    const ward = await db.wards.get(unitId);
    if (!ward) return null;
    return { ward, rows: (await db.reads.bulkGet(ward.residentKeys)).filter((r) => r !== undefined) };
  }, [db, unitId]);

  const [residents, setResidents] = useState<ResidentSchedule[] | null>(null);
  useEffect(() => {
    let live = true;
    if (!stored) {
      setResidents(stored === null ? [] : null);
      return;
    }
    Promise.all(stored.rows.map((row) => openReadRow(keys, row))).then(
      (reads) => live && setResidents(reads.map((c) => residentSchedule(c.read, c.fetchedAt))),
      () => {
        if (!live) return;
        setResidents([]);
        setMessage({ kind: 'error', text: t.damaged });
      },
    );
    return () => {
      live = false;
    };
  }, [stored, keys]);

  // A download in flight stops when the panel goes (sign-out, lock), so it cannot write after a purge.
  const abort = useRef(new AbortController());
  useEffect(() => {
    const controller = new AbortController();
    abort.current = controller;
    return () => controller.abort();
  }, []);

  const download = useCallback(
    async (background: boolean) => {
      if (!unit || !user || running.current) return;
      running.current = true;
      if (!background) setMessage(null);
      try {
        const [broker, roster] = await Promise.all([defaultExtra.broker(), appRoster()]);
        const result = await downloadWard({ db, keys, broker, roster, userId: user.id, unitId: unit.unitId, onProgress: background ? undefined : setProgress, signal: abort.current.signal });
        reportBrokerReachable(true);
        await audit('ward-download', undefined, `${unit.unitId}: ${result.fetched} beboere`);
        if (result.failed.length > 0) setMessage({ kind: 'warning', text: t.someFailed(result.failed.length) });
      } catch (err) {
        if (err instanceof WardDownloadAborted) return;
        if (err instanceof WardDownloadError && err.offline) reportBrokerReachable(false);
        if (!background) setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
      } finally {
        running.current = false;
        setProgress(null);
      }
    },
    [db, keys, unit, user, audit],
  );

  // Background refresh while online, once the unit has been downloaded here.
  const downloaded = Boolean(stored?.ward);
  useEffect(() => {
    if (!online || !downloaded) return;
    const id = setInterval(() => void download(true), BACKGROUND_REFRESH_MS);
    return () => clearInterval(id);
  }, [online, downloaded, download]);

  if (!user || user.units.length === 0) return null;
  const unitsNote = !unitList
    ? t.unitsLoading
    : units.length === 0
      ? unitList.source === 'broker'
        ? t.noUnits
        : t.noDownloadedUnits
      : undefined;
  const unitsError = unitList?.error && unitList.error.kind !== 'network' && unitList.error.kind !== 'timeout' ? unitList.error : undefined;
  const oldest = residents && residents.length ? oldestFetch(residents.map((r) => r.fetchedAt)) : undefined;

  return (
    <section className="panel ward" aria-labelledby="ward-heading" data-testid="ward-panel">
      <div className="ward-controls no-print">
        <h2 id="ward-heading">{t.heading}</h2>
        <div className="ward-toolbar">
          <label className="field">
            <span>{t.unitLabel}</span>
            <select value={unitId ?? ''} onChange={(e) => (setUnitId(e.target.value), setView({ kind: 'list' }))} disabled={units.length === 0} data-testid="ward-unit-select">
              {units.map((u) => (
                <option key={u.unitId} value={u.unitId}>
                  {t.unitOption(u.name, u.residentCount)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn-primary" disabled={!online || progress !== null || !unit} onClick={() => void download(false)}>
            {t.download}
          </button>
        </div>
        {progress && (
          <div className="ward-progress" role="status" data-testid="ward-progress">
            <progress max={progress.total} value={progress.done} aria-label={t.downloading(progress.done, progress.total)} />
            <span>{t.downloading(progress.done, progress.total)}</span>
          </div>
        )}
        {unitsNote && (
          <p className="muted" data-testid="ward-units-note">
            {unitsNote}
          </p>
        )}
        {unitsError && (
          <p className="status status-warning" role="alert" data-testid="ward-units-error">
            {t.unitsFailed(unitsError.detail ? `${unitsError.message} (${unitsError.detail})` : unitsError.message)}
          </p>
        )}
        <p className="muted" data-testid="ward-downloaded">
          {stored?.ward ? t.downloaded(dataTime(stored.ward.downloadedAt), stored.ward.residentKeys.length) : t.notDownloaded}
        </p>
        {message && (
          <p className={message.kind === 'error' ? 'status status-error' : 'status status-warning'} role="alert">
            {message.text}
          </p>
        )}
        <WardSettings />
      </div>

      {residents && residents.length > 0 && (
        <>
          {view.kind === 'list' && (
            <ResidentList residents={residents} staleHours={staleHours} oldest={oldest} onOpen={openResident} onOverview={openOverview} />
          )}
          {view.kind === 'resident' && (
            <ResidentCard
              resident={residents.find((r) => r.identityNumber === view.identityNumber)}
              staleHours={staleHours}
              onBack={() => setView({ kind: 'list' })}
            />
          )}
          {view.kind === 'overview' && <UnitOverview unitName={unit?.name ?? ''} residents={residents} staleHours={staleHours} oldest={oldest} onBack={() => setView({ kind: 'list' })} />}
        </>
      )}
    </section>
  );
}

export function DataAge({ fetchedAt, staleHours }: { fetchedAt: string | undefined; staleHours: number }) {
  if (!fetchedAt) return null;
  const stale = isStale(fetchedAt, new Date(), staleHours);
  return (
    <p className={stale ? 'data-age data-age-stale' : 'data-age'} data-testid="data-age" data-stale={stale}>
      {stale ? t.stale(staleHours, dataTime(fetchedAt)) : t.fetched(dataTime(fetchedAt))}
    </p>
  );
}

function PrintButton({ onPrint }: { onPrint: () => Promise<void> }) {
  return (
    <button
      type="button"
      className="btn btn-secondary no-print"
      onClick={() => {
        onPrint()
          .catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err))
          .finally(() => {
            printLogging.handledByView = true;
            try {
              window.print();
            } finally {
              printLogging.handledByView = false;
            }
          });
      }}
    >
      {t.print}
    </button>
  );
}

// Memoised: a download's progress re-renders the panel once per resident, and the list of a unit of
// hundreds must not be rebuilt each time (its props stay the same until the download is stored).
const ResidentList = memo(function ResidentList({ residents, staleHours, oldest, onOpen, onOverview }: { residents: ResidentSchedule[]; staleHours: number; oldest: string | undefined; onOpen: (id: string) => void; onOverview: () => void }) {
  return (
    <div className="ward-list">
      <div className="ward-list-head">
        <h3>
          {t.residents} ({residents.length})
        </h3>
        <button type="button" className="btn btn-secondary" onClick={onOverview}>
          {t.overview}
        </button>
      </div>
      <DataAge fetchedAt={oldest} staleHours={staleHours} />
      <p className="muted">{t.readOnly}</p>
      <table className="med-table ward-residents">
        <thead>
          <tr>
            <th scope="col">{nb.patient.identityNumber}</th>
            <th scope="col">{t.residents}</th>
            <th scope="col">{t.cave}</th>
            <th scope="col">{t.multidose}</th>
            <th scope="col">{t.medicinesHeader}</th>
          </tr>
        </thead>
        <tbody>
          {residents.map((r) => (
            <tr key={r.identityNumber} data-testid="ward-resident-row" className={isStale(r.fetchedAt, new Date(), staleHours) ? 'row-stale' : undefined}>
              <td className="mono">{formatIdentityNumber(r.identityNumber)}</td>
              <td>
                <button type="button" className="btn-link" onClick={() => onOpen(r.identityNumber)}>
                  {r.name}
                </button>
              </td>
              <td>{r.cave.length > 0 ? <span className="tag tag-cave">{r.cave.map((c) => c.agent).join(', ')}</span> : ''}</td>
              <td>{r.multidose ? <span className="tag">{t.multidose}</span> : ''}</td>
              <td>{r.medicineCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

function Cave({ items }: { items: CriticalInfo[] }) {
  if (items.length === 0) return <p className="cave-none">{t.noCave}</p>;
  return (
    <section className="cave" data-testid="ward-cave" aria-label={t.cave}>
      <h4>{t.cave}</h4>
      <ul>
        {items.map((c) => (
          <li key={c.id}>
            <strong>{c.agent}</strong>
            {c.reaction ? `: ${c.reaction}` : ''}
            {c.severity ? ` (${nb.patient.cave.severity[c.severity] ?? c.severity})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}

function DoseLine({ item }: { item: ScheduleItem }) {
  return (
    <li className="dose-line">
      <span className="med-name">{item.medicine.name}</span>{' '}
      <span>{[item.dose.label, item.dose.text].filter(Boolean).join(': ')}</span>
      {item.dose.note && <span className="med-note"> ({item.dose.note})</span>}
      {item.multidose && (
        <>
          {' '}
          <span className="tag tag-multidose">{t.multidose}</span>
        </>
      )}
      {item.purpose && <span className="med-note"> – {item.purpose}</span>}
      {item.stopsOn && <span className="med-note" data-testid="planned-stop"> · {t.stopsOn(format(parseISO(item.stopsOn), 'dd.MM.yyyy'))}</span>}
    </li>
  );
}

export function ResidentCard({ resident, staleHours, onBack, backLabel = t.backToList }: { resident: ResidentSchedule | undefined; staleHours: number; onBack: () => void; backLabel?: string }) {
  const audit = useAudit();
  const id = resident?.identityNumber;
  useEffect(() => {
    if (id) audit('patient-view', id).catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err));
  }, [id, audit]);
  if (!resident) return null;
  return (
    <article className="ward-resident ward-print" aria-labelledby="resident-heading" data-testid="ward-resident">
      <div className="ward-list-head no-print">
        <button type="button" className="btn btn-secondary btn-small" onClick={onBack}>
          {backLabel}
        </button>
        <PrintButton onPrint={() => audit('print', resident.identityNumber)} />
      </div>
      <h3 id="resident-heading" data-testid="resident-name">
        {resident.name}
      </h3>
      <p>
        <span className="mono">{formatIdentityNumber(resident.identityNumber)}</span> · {nb.patient.born} {formatDate(resident.birthDate)}
        {resident.multidose && (
          <>
            {' · '}
            <span className="tag">{t.multidose}</span>
          </>
        )}
      </p>
      <Cave items={resident.cave} />
      <DataAge fetchedAt={resident.fetchedAt} staleHours={staleHours} />
      <p className="muted">{resident.source === 'pll' ? t.sourcePll : t.sourcePrescriptions}</p>
      {resident.medicineCount === 0 && <p>{t.noMedicines}</p>}
      {ROUNDS.filter((r) => resident.rounds[r].length > 0).map((round) => (
        <section key={round} className="ward-round" data-testid={`round-${round}`} aria-labelledby={`round-${round}-h`}>
          <h4 id={`round-${round}-h`}>{t.rounds[round]}</h4>
          <ul>
            {resident.rounds[round].map((item) => (
              <DoseLine key={item.key} item={item} />
            ))}
          </ul>
        </section>
      ))}
    </article>
  );
}

const OVERVIEW_ROUNDS: Round[] = ['morning', 'midday', 'evening', 'night', 'asNeeded'];

function UnitOverview({ unitName, residents, staleHours, oldest, onBack }: { unitName: string; residents: ResidentSchedule[]; staleHours: number; oldest: string | undefined; onBack: () => void }) {
  const audit = useAudit();
  useEffect(() => {
    audit('ward-view').catch((err: unknown) => console.error('Samstem: revisjonslogg feilet', err));
  }, [audit]);
  return (
    <article className="ward-overview ward-print" aria-labelledby="overview-heading" data-testid="ward-overview">
      <div className="ward-list-head no-print">
        <button type="button" className="btn btn-secondary btn-small" onClick={onBack}>
          {t.backToList}
        </button>
        <PrintButton onPrint={() => audit('print', undefined, `${t.overview}: ${unitName}`)} />
      </div>
      <h3 id="overview-heading">
        {t.overview}: {unitName}
      </h3>
      <DataAge fetchedAt={oldest} staleHours={staleHours} />
      <table className="med-table ward-overview-table">
        <thead>
          <tr>
            <th scope="col">{t.residents}</th>
            {OVERVIEW_ROUNDS.map((r) => (
              <th key={r} scope="col">
                {t.rounds[r]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {residents.map((r) => (
            <tr key={r.identityNumber} data-testid="overview-row">
              <th scope="row">
                <div>{r.name}</div>
                <div className="mono muted">{formatIdentityNumber(r.identityNumber)}</div>
                {r.multidose && <span className="tag">{t.multidose}</span>}
                {r.cave.length > 0 && <div className="tag tag-cave">{t.cave}: {r.cave.map((c) => c.agent).join(', ')}</div>}
                {isStale(r.fetchedAt, new Date(), staleHours) && <div className="data-age-stale">{t.stale(staleHours, dataTime(r.fetchedAt))}</div>}
              </th>
              {OVERVIEW_ROUNDS.map((round) => (
                <td key={round}>
                  <ul className="overview-cell">
                    {[...r.rounds[round], ...(round === 'asNeeded' ? r.rounds.unscheduled : [])].map((item) => (
                      <DoseLine key={item.key} item={item} />
                    ))}
                  </ul>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

function WardSettings() {
  const { db } = useVault();
  const values = useLiveQuery(async () => ({ stale: await numberSetting(db, 'staleAfterHours'), lock: await numberSetting(db, 'lockAfterMinutes') }), [db]);
  const [saved, setSaved] = useState(false);
  if (!values) return null;
  return (
    <details className="ward-settings">
      <summary>{t.settings}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const stale = Number(form.get('stale'));
          const lock = Number(form.get('lock'));
          void db
            .transaction('rw', db.settings, async () => {
              if (stale > 0) await db.settings.put({ key: SETTING_KEYS.staleAfterHours, value: stale });
              if (lock > 0) await db.settings.put({ key: SETTING_KEYS.lockAfterMinutes, value: lock });
            })
            .then(() => setSaved(true));
        }}
      >
        <label className="field">
          <span>{t.staleAfterHours}</span>
          <input name="stale" type="number" min={1} max={24 * 30} defaultValue={values.stale} />
        </label>
        <label className="field">
          <span>{t.lockAfterMinutes}</span>
          <input name="lock" type="number" min={1} max={120} defaultValue={values.lock} />
        </label>
        <button type="submit" className="btn btn-secondary btn-small">
          {t.save}
        </button>
        {saved && <span role="status"> {t.saved}</span>}
      </form>
      <PurgeOnSignOutSetting />
    </details>
  );
}
