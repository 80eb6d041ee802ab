import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDemoFixtures, DEMO_UNIT_ID } from '../../../../fixtures/demo';
import type { MedicationRead } from '../../../../shared/model';
import { BrokerError, type BrokerClient } from '../../api/broker';
import { webKeys } from '../../db/cipher/keys';
import { SamstemDb } from '../../db/db';
import { loadRead, loadWard } from '../../db/reads';
import { isStale, oldestFetch, residentSchedule } from './wardModel';
import { demoUnits, downloadWard, WardDownloadError } from './wardSync';

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

let n = 0;
const opened: SamstemDb[] = [];
async function setup() {
  const db = new SamstemDb(`ward-test-${++n}`);
  opened.push(db);
  return { db, keys: await webKeys(db) };
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const unit = demoUnits().find((u) => u.unitId === DEMO_UNIT_ID)!;

describe('ward download', () => {
  it('the demo unit has 30+ residents', () => {
    expect(unit.residents.length).toBeGreaterThanOrEqual(30);
  });

  it('fetches every resident with progress, stores them encrypted, and the unit reads back offline', async () => {
    const { db, keys } = await setup();
    const broker = fakeBroker();
    const seen: number[] = [];
    const result = await downloadWard({ db, keys, broker, userId: 'nurse-sigrid', unit, onProgress: (p) => seen.push(p.done), now: () => now });
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
    await downloadWard({ db, keys, broker: fakeBroker(), userId: 'nurse-sigrid', unit, now: () => new Date('2026-11-20T08:00:00Z') });
    const victim = unit.residents[2]!.identityNumber;
    const before = await loadRead(db, keys, victim);
    const result = await downloadWard({
      db, keys, userId: 'nurse-sigrid', unit, now: () => now,
      broker: fakeBroker({ fail: (id) => (id === victim ? new BrokerError({ kind: 'server', message: 'Feil hos megleren', status: 500 }) : undefined) }),
    });
    expect(result.failed).toEqual([{ identityNumber: victim, message: 'Feil hos megleren' }]);
    expect((await db.wards.get(unit.unitId))?.failed).toBe(1);
    expect(await loadRead(db, keys, victim)).toEqual(before);
  });

  it('offline: nothing fetched means an offline error and the earlier download stays as it was', async () => {
    const { db, keys } = await setup();
    await downloadWard({ db, keys, broker: fakeBroker(), userId: 'nurse-sigrid', unit, now: () => new Date('2026-11-20T08:00:00Z') });
    const wardBefore = await db.wards.get(unit.unitId);
    const err = await downloadWard({ db, keys, userId: 'nurse-sigrid', unit, broker: fakeBroker({ fail: () => new BrokerError({ kind: 'network', message: 'Ingen forbindelse' }) }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WardDownloadError);
    expect((err as WardDownloadError).offline).toBe(true);
    expect(await db.wards.get(unit.unitId)).toEqual(wardBefore);
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
    const s = residentSchedule(read, now.toISOString());
    expect(s.medicineCount).toBe(d.pll.length - 1);
    expect(Object.values(s.rounds).flat().some((i) => i.key.startsWith(`${read.pll[0]!.libId}:`))).toBe(false);

    const noPll: MedicationRead = { ...read, pll: [] };
    delete noPll.pllMessageId;
    const fromRx = residentSchedule(noPll, now.toISOString());
    expect(fromRx.source).toBe('prescriptions');
    expect(fromRx.medicineCount).toBe(read.prescriptions.filter((p) => (p.status === 'E' || p.status === 'U') && !p.recall).length);
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
