import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { buildDemoFixtures, DEMO_UNIT_ID } from '../../../../fixtures/demo';
import type { MedicationRead } from '../../../../shared/model';
import { BrokerError, type BrokerClient } from '../../api/broker';
import { webKeys } from '../../db/cipher/keys';
import { useTestDbs } from '../../db/testDb';
import { loadRead, loadWard } from '../../db/reads';
import type { RosterClient, RosterResident, RosterUnit } from '../../api/roster';
import { isStale, oldestFetch, residentSchedule } from './wardModel';
import { downloadWard, loadStoredRoster, loadUnits, rosterMetaKey, WardDownloadAborted, WardDownloadError } from './wardSync';

const now = new Date('2026-11-26T09:00:00Z');
const fixtures = buildDemoFixtures(now);
const byId = new Map(fixtures.patients.map((p) => [p.patient.identityNumber, p]));
function readOf(id: string, at = now): MedicationRead {
  const d = byId.get(id)!;
  return { readId: `r-${id}`, patient: d.patient, prescriptions: d.prescriptions, pll: d.pll, ...(d.pllMessageId ? { pllMessageId: d.pllMessageId } : {}), dispensings: d.dispensings, criticalInfo: d.criticalInfo, rfFetchedAt: at.toISOString(), kjFetchedAt: at.toISOString(), errors: [] };
}

function fakeBroker(opts: { fail?: (id: string) => BrokerError | undefined } = {}): BrokerClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getToken() {
      return 'tok';
    },
    async getMedication(identity) {
      calls.push(identity.value);
      const err = opts.fail?.(identity.value);
      if (err) throw err;
      return readOf(identity.value);
    },
  };
}

const dbs = useTestDbs('ward-test');
/** A fresh database and its keys, not attached (the code under test seals by hand). */
async function setup() {
  const db = dbs.bare();
  return { db, keys: await webKeys(db) };
}

// The roster as the broker serves it (broker/roster.ts), built from the same fixtures it seeds.
const demoUnit = fixtures.units.find((u) => u.id === DEMO_UNIT_ID)!;
const rosterUnit: RosterUnit = { unitId: demoUnit.id, name: demoUnit.name, residentCount: demoUnit.residentIdentityNumbers.length };
const rosterResidents: RosterResident[] = demoUnit.residentIdentityNumbers.map((id) => {
  const p = byId.get(id)!.patient;
  return { identityNumber: id, kind: p.identityKind, givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate, multidose: Boolean(p.multidose) };
});
const unit = { unitId: DEMO_UNIT_ID, residents: rosterResidents };

function fakeRoster(opts: { fail?: () => BrokerError | undefined } = {}): RosterClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async units() {
      calls.push('units');
      const err = opts.fail?.();
      if (err) throw err;
      return [rosterUnit];
    },
    async residents(unitId) {
      calls.push(`residents:${unitId}`);
      const err = opts.fail?.();
      if (err) throw err;
      return { unit: rosterUnit, residents: rosterResidents };
    },
  };
}
const roster = fakeRoster();

describe('ward download', () => {
  it('the demo unit has 30+ residents', () => {
    expect(unit.residents.length).toBeGreaterThanOrEqual(30);
  });

  it('fetches every resident with progress, stores them encrypted, and the unit reads back offline', async () => {
    const { db, keys } = await setup();
    const broker = fakeBroker();
    const seen: number[] = [];
    const result = await downloadWard({ db, keys, broker, userId: 'nurse-sigrid', roster, unitId: DEMO_UNIT_ID, onProgress: (p) => seen.push(p.done), now: () => now });
    expect(result.fetched).toBe(unit.residents.length);
    expect(new Set(broker.calls)).toEqual(new Set(unit.residents.map((r) => r.identityNumber)));
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(unit.residents.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const ward = await loadWard(db, keys, unit.unitId);
    expect(ward?.residents.map((r) => r.read.patient.identityNumber)).toEqual(unit.residents.map((r) => r.identityNumber));
    const raw = JSON.stringify(await db.reads.toArray());
    for (const r of unit.residents.slice(0, 5)) expect(raw).not.toContain(r.identityNumber);
  });

  it('keeps the older read of a resident that fails, and reports how many failed', async () => {
    const { db, keys } = await setup();
    await downloadWard({ db, keys, broker: fakeBroker(), userId: 'nurse-sigrid', roster, unitId: DEMO_UNIT_ID, now: () => new Date('2026-11-20T08:00:00Z') });
    const victim = unit.residents[2]!.identityNumber;
    const before = await loadRead(db, keys, victim);
    const result = await downloadWard({
      db, keys, userId: 'nurse-sigrid', roster, unitId: DEMO_UNIT_ID, now: () => now,
      broker: fakeBroker({ fail: (id) => (id === victim ? new BrokerError({ kind: 'server', message: 'Feil hos megleren', status: 500 }) : undefined) }),
    });
    expect(result.failed).toEqual([{ identityNumber: victim, message: 'Feil hos megleren' }]);
    expect((await db.wards.get(unit.unitId))?.failed).toBe(1);
    expect(await loadRead(db, keys, victim)).toEqual(before);
  });

  it('offline: nothing fetched means an offline error and the earlier download stays as it was', async () => {
    const { db, keys } = await setup();
    await downloadWard({ db, keys, broker: fakeBroker(), userId: 'nurse-sigrid', roster, unitId: DEMO_UNIT_ID, now: () => new Date('2026-11-20T08:00:00Z') });
    const wardBefore = await db.wards.get(unit.unitId);
    const err = await downloadWard({ db, keys, userId: 'nurse-sigrid', roster, unitId: DEMO_UNIT_ID, broker: fakeBroker({ fail: () => new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }) }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardDownloadError);
    expect((err as WardDownloadError).offline).toBe(true);
    expect(await db.wards.get(unit.unitId)).toEqual(wardBefore);
  });
});

describe('ward roster from the broker', () => {
  it('downloads the residents the broker lists, and keeps the roster sealed: no number or name in clear text', async () => {
    const { db, keys } = await setup();
    const r = fakeRoster();
    const result = await downloadWard({ db, keys, broker: fakeBroker(), roster: r, userId: 'nurse-sigrid', unitId: DEMO_UNIT_ID, now: () => now });
    expect(r.calls).toEqual([`residents:${DEMO_UNIT_ID}`]);
    expect(result.unit.name).toBe(demoUnit.name);
    const stored = await loadStoredRoster(db, keys, DEMO_UNIT_ID);
    expect(stored?.unit.name).toBe(demoUnit.name);
    expect(stored?.residents.map((x) => x.identityNumber)).toEqual(demoUnit.residentIdentityNumbers);
    const raw = JSON.stringify([await db.meta.toArray(), await db.wards.toArray(), await db.reads.toArray()], (_k, v: unknown) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? Array.from(new Uint8Array(v instanceof ArrayBuffer ? v : v.buffer)) : v));
    for (const x of rosterResidents.slice(0, 8)) {
      expect(raw).not.toContain(x.identityNumber);
      expect(raw).not.toContain(`${x.givenName} ${x.familyName}`);
      expect(raw).not.toContain(x.familyName);
    }
    expect(raw).not.toContain(demoUnit.name);
    // a sealed roster moved to another unit's key does not open
    const row = await db.meta.get(rosterMetaKey(DEMO_UNIT_ID));
    await db.meta.put({ key: rosterMetaKey('annen-avdeling'), value: row!.value });
    await expect(loadStoredRoster(db, keys, 'annen-avdeling')).rejects.toThrow();
  });

  it('changes the offline copy all at once: nothing of a download is stored until every resident is in', async () => {
    const { db, keys } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const last = rosterResidents.at(-1)!.identityNumber;
    const inner = fakeBroker();
    const slow: BrokerClient = { getToken: inner.getToken, getMedication: async (id, tok) => (id.value === last ? gate.then(() => inner.getMedication(id, tok)) : inner.getMedication(id, tok)) };
    let seen = 0;
    let reachedLast!: () => void;
    const nearlyDone = new Promise<void>((r) => (reachedLast = r));
    const running = downloadWard({ db, keys, broker: slow, roster, userId: 'nurse-sigrid', unitId: DEMO_UNIT_ID, concurrency: 1, onProgress: (p) => (seen = p.done) === rosterResidents.length - 1 && reachedLast() });
    await nearlyDone;
    expect(seen).toBe(rosterResidents.length - 1);
    expect(await db.reads.count()).toBe(0);
    expect(await db.wards.count()).toBe(0);
    release();
    await running;
    expect(await db.reads.count()).toBe(rosterResidents.length);
    expect((await db.wards.get(DEMO_UNIT_ID))?.residentKeys).toHaveLength(rosterResidents.length);
  });

  it('a download stopped by sign-out mid-way fetches no more and writes nothing, so a purge stays a purge', async () => {
    const { db, keys } = await setup();
    const inner = fakeBroker();
    const controller = new AbortController();
    const running = downloadWard({
      db,
      keys,
      broker: inner,
      roster,
      userId: 'nurse-sigrid',
      unitId: DEMO_UNIT_ID,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => p.done === 5 && controller.abort(),
    });
    await expect(running).rejects.toBeInstanceOf(WardDownloadAborted);
    expect(inner.calls.length).toBeLessThan(rosterResidents.length);
    expect(await db.reads.count()).toBe(0);
    expect(await db.wards.count()).toBe(0);
    expect(await db.meta.get(rosterMetaKey(DEMO_UNIT_ID))).toBeUndefined();
  });

  it('a roster the broker refuses (403) stops the download with the broker\'s words, writing nothing', async () => {
    const { db, keys } = await setup();
    const broker = fakeBroker();
    const refused = fakeRoster({ fail: () => new BrokerError({ kind: 'unauthorized', message: 'Ingen tilgang til beboerlisten', detail: 'Du er ikke knyttet til avdelingen', status: 403 }) });
    const err = await downloadWard({ db, keys, broker, roster: refused, userId: 'gp-kristin', unitId: DEMO_UNIT_ID }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardDownloadError);
    expect((err as WardDownloadError).offline).toBe(false);
    expect((err as Error).message).toMatch(/Beboerlisten kunne ikke hentes.*Ingen tilgang til beboerlisten \(Du er ikke knyttet til avdelingen\)/);
    expect(broker.calls).toEqual([]);
    expect(await db.wards.count()).toBe(0);
    expect(await db.reads.count()).toBe(0);
    const offline = await downloadWard({ db, keys, broker, roster: fakeRoster({ fail: () => new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }) }), userId: 'nurse-sigrid', unitId: DEMO_UNIT_ID }).catch((e: unknown) => e);
    expect((offline as WardDownloadError).offline).toBe(true);
  });

  it('lists the broker\'s units online; offline (or when the broker is unreachable) only the units downloaded here, by their stored name', async () => {
    const { db, keys } = await setup();
    const base = { db, keys, broker: fakeBroker(), userId: 'nurse-sigrid', memberOf: [DEMO_UNIT_ID, 'solsiden-3'] };
    expect(await loadUnits({ ...base, roster, online: true })).toEqual({ units: [{ unitId: DEMO_UNIT_ID, name: demoUnit.name, residentCount: demoUnit.residentIdentityNumbers.length }], source: 'broker' });
    expect(await loadUnits({ ...base, roster, online: false })).toEqual({ units: [], source: 'downloaded' });

    await downloadWard({ db, keys, broker: fakeBroker({ fail: (id) => (id === rosterResidents[0]!.identityNumber ? new BrokerError({ kind: 'server', message: 'Feil', status: 500 }) : undefined) }), roster, userId: 'nurse-sigrid', unitId: DEMO_UNIT_ID, now: () => now });
    const r = fakeRoster();
    const offline = await loadUnits({ ...base, roster: r, online: false });
    expect(r.calls).toEqual([]);
    expect(offline).toEqual({ units: [{ unitId: DEMO_UNIT_ID, name: demoUnit.name, residentCount: demoUnit.residentIdentityNumbers.length }], source: 'downloaded' });
    // a unit downloaded here that the user does not belong to is not offered
    expect((await loadUnits({ ...base, memberOf: ['solsiden-3'], roster, online: false })).units).toEqual([]);

    const unreachable = await loadUnits({ ...base, roster: fakeRoster({ fail: () => new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }) }), online: true });
    expect(unreachable.source).toBe('downloaded');
    expect(unreachable.units.map((u) => u.unitId)).toEqual([DEMO_UNIT_ID]);
    expect(unreachable.error?.kind).toBe('network');
    const refused = await loadUnits({ ...base, roster: fakeRoster({ fail: () => new BrokerError({ kind: 'server', message: 'Feil hos megleren', status: 500 }) }), online: true });
    expect(refused.error).toMatchObject({ kind: 'server', message: 'Feil hos megleren' });
  });
});

describe('resident schedule (nurse view)', () => {
  it('lays out every current PLL medicine by round, marks multidose and shows CAVE', () => {
    const multidoseResident = fixtures.patients.find((p) => p.patient.multidose && p.patient.units?.includes(DEMO_UNIT_ID) && p.pll.length > 2 && p.criticalInfo.length > 0)!;
    expect(multidoseResident).toBeDefined();
    const s = residentSchedule(readOf(multidoseResident.patient.identityNumber), now.toISOString());
    const current = multidoseResident.pll.filter((e) => !e.discontinued);
    expect(s.source).toBe('pll');
    expect(s.medicineCount).toBe(current.length);
    const shown = new Set(Object.values(s.rounds).flat().map((i) => i.medicine.name));
    expect(shown).toEqual(new Set(current.map((e) => e.medicine.name)));
    expect(s.cave.map((c) => c.agent)).toEqual(multidoseResident.criticalInfo.map((c) => c.agent));
    for (const item of Object.values(s.rounds).flat()) expect(item.multidose).toBe(current.find((e) => e.medicine.name === item.medicine.name)!.use === '1');
    // a 1+0+1+0 medicine is in the morning and the evening, not midday or night
    const twice = current.find((e) => e.dosage.doses?.length === 2);
    if (twice) {
      expect(s.rounds.morning.some((i) => i.medicine.name === twice.medicine.name)).toBe(true);
      expect(s.rounds.evening.some((i) => i.medicine.name === twice.medicine.name)).toBe(true);
      expect(s.rounds.night.some((i) => i.medicine.name === twice.medicine.name)).toBe(false);
    }
  });

  it('puts "ved behov" medicines under asNeeded and never marks them multidose', () => {
    const resident = fixtures.patients.find((p) => p.patient.multidose && p.pll.some((e) => e.use === '3'))!;
    const s = residentSchedule(readOf(resident.patient.identityNumber), now.toISOString());
    const prn = resident.pll.filter((e) => e.use === '3' && !e.discontinued).map((e) => e.medicine.name);
    expect(s.rounds.asNeeded.map((i) => i.medicine.name).sort()).toEqual(prn.sort());
    expect(s.rounds.asNeeded.every((i) => !i.multidose)).toBe(true);
    expect(s.rounds.morning.some((i) => prn.includes(i.medicine.name) && i.medicine.name !== 'Paracet tab 500 mg')).toBe(false);
  });

  it('leaves discontinued PLL entries out and falls back to valid prescriptions without a PLL', () => {
    const d = fixtures.patients.find((p) => p.pll.length > 1 && p.pll.every((e) => !e.discontinued))!;
    const read = readOf(d.patient.identityNumber);
    read.pll = read.pll.map((e, i) => (i === 0 ? { ...e, discontinued: { at: now.toISOString() } } : e));
    const s = residentSchedule(read, now.toISOString(), now);
    expect(s.medicineCount).toBe(d.pll.length - 1);
    expect(Object.values(s.rounds).flat().some((i) => i.key.startsWith(`${read.pll[0]!.libId}:`))).toBe(false);

    const noPll: MedicationRead = { ...read, pll: [] };
    delete noPll.pllMessageId;
    const fromRx = residentSchedule(noPll, now.toISOString());
    expect(fromRx.source).toBe('prescriptions');
    expect(fromRx.medicineCount).toBe(read.prescriptions.filter((p) => (p.status === 'E' || p.status === 'U') && !p.recall).length);
  });

  it('keeps a medicine with a planned stop until that day (Oslo calendar), saying when it stops', () => {
    const d = fixtures.patients.find((p) => p.pll.length > 1 && p.pll.every((e) => !e.discontinued))!;
    const read = readOf(d.patient.identityNumber);
    // stops 1 December: given through 30 November, gone from 1 December 00:00 in Oslo (23:00 UTC the day before)
    read.pll = read.pll.map((e, i) => (i === 0 ? { ...e, discontinued: { at: '2026-12-01' } } : e));
    const lib = read.pll[0]!.libId;
    const before = residentSchedule(read, now.toISOString(), new Date('2026-11-30T22:30:00Z'));
    expect(before.medicineCount).toBe(d.pll.length);
    const lines = Object.values(before.rounds).flat().filter((i) => i.key.startsWith(`${lib}:`));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((i) => i.stopsOn === '2026-12-01')).toBe(true);
    const after = residentSchedule(read, now.toISOString(), new Date('2026-11-30T23:30:00Z'));
    expect(after.medicineCount).toBe(d.pll.length - 1);
    expect(Object.values(after.rounds).flat().some((i) => i.key.startsWith(`${lib}:`))).toBe(false);
  });

  it('marks data older than the limit as stale', () => {
    expect(isStale('2026-11-23T08:59:00Z', now, 72)).toBe(true);
    expect(isStale('2026-11-23T09:01:00Z', now, 72)).toBe(false);
    expect(isStale('2026-11-26T07:00:00Z', now, 1)).toBe(true);
    expect(isStale('not a date', now, 72)).toBe(true);
    expect(oldestFetch(['2026-11-26T07:00:00Z', '2026-11-25T07:00:00Z', '2026-11-26T08:00:00Z'])).toBe('2026-11-25T07:00:00Z');
    expect(oldestFetch([])).toBeUndefined();
  });
});
