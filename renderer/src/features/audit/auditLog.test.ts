import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SamstemDb } from '../../db/db';
import { webKeys } from '../../db/cipher/keys';
import { appendAudit, readAudit, shipAudit, verifyAuditChain, type AuditInput } from './auditLog';

let n = 0;
const opened: SamstemDb[] = [];
async function setup() {
  const db = new SamstemDb(`audit-test-${++n}`);
  opened.push(db);
  return { db, keys: await webKeys(db) };
}
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete();
});

const nurse = { userId: 'nurse-sigrid', role: 'nurse' };
const PATIENT = '23013106088';
const inputs: AuditInput[] = [
  { ...nurse, action: 'ward-download' },
  { ...nurse, action: 'patient-open', identityNumber: PATIENT },
  { ...nurse, action: 'patient-view', identityNumber: PATIENT },
  { userId: 'ooh-anders', role: 'ooh-doctor', action: 'emergency-access', identityNumber: '14034827061', reason: 'Bevisstløs pasient, Ingrid H.' },
  { ...nurse, action: 'print', identityNumber: PATIENT },
];

describe('client audit log', () => {
  it('logs who, role, patient, action, time and reason, and verifies an untouched chain', async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: inputs.length });
    const entries = await readAudit(db, keys);
    expect(entries.map((e) => e.action)).toEqual(inputs.map((i) => i.action));
    expect(entries[3]).toMatchObject({ userId: 'ooh-anders', role: 'ooh-doctor', identityNumber: '14034827061', reason: 'Bevisstløs pasient, Ingrid H.' });
    expect(Date.parse(entries[0]!.at)).not.toBeNaN();
    expect((await readAudit(db, keys, PATIENT)).map((e) => e.action)).toEqual(['patient-open', 'patient-view', 'print']);
    // the stored rows hold neither the identity number nor the reason in clear text
    const raw = JSON.stringify(await db.audit.toArray());
    expect(raw).not.toContain(PATIENT);
    expect(raw).not.toContain('Bevisstløs');
  });

  it('concurrent appends still form one chain', async () => {
    const { db, keys } = await setup();
    await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(db, keys, { ...nurse, action: 'patient-view', identityNumber: PATIENT, reason: `r${i}` })));
    expect(await verifyAuditChain(db)).toEqual({ ok: true, entries: 12 });
  });

  it.each([
    ['the action', (r: Record<string, unknown>) => ({ ...r, action: 'patient-view' })],
    ['the user', (r: Record<string, unknown>) => ({ ...r, userId: 'gp-kristin' })],
    ['the time', (r: Record<string, unknown>) => ({ ...r, at: '2020-01-01T00:00:00.000Z' })],
    ['the patient', (r: Record<string, unknown>) => ({ ...r, patientKey: 'f'.repeat(64) })],
  ])('fails when one entry is altered: %s', async (_what, alter) => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const victim = (await db.audit.orderBy('seq').toArray())[1]!;
    await db.audit.put(alter(victim as unknown as Record<string, unknown>) as never);
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, brokenAt: victim.seq });
  });

  it('fails when an entry is altered and its own hash recomputed (the next link breaks), or removed', async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const rows = await db.audit.orderBy('seq').toArray();
    // forge entry 2 completely (new content + matching hash): entry 3 no longer points at it
    const { auditContent } = await import('./auditLog');
    const { sha256Hex } = await import('../../db/cipher/sealed');
    const forged = { ...rows[2]!, action: 'lock' };
    forged.hash = await sha256Hex(auditContent(forged));
    await db.audit.put(forged);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: rows[3]!.seq });
    await db.audit.put(rows[2]!);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    await db.audit.delete(rows[1]!.seq!);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, brokenAt: rows[2]!.seq });
  });

  it('ships unshipped entries in order, stops at the first failure, and resumes later', async () => {
    const { db, keys } = await setup();
    for (const i of inputs) await appendAudit(db, keys, i);
    const got: string[] = [];
    let fail = 2;
    const post = async (e: { action: string }) => {
      if (got.length === fail) throw new Error('offline');
      got.push(e.action);
    };
    await expect(shipAudit(db, keys, post)).rejects.toThrow('offline');
    expect(got).toEqual(['ward-download', 'patient-open']);
    fail = -1;
    expect(await shipAudit(db, keys, post)).toBe(3);
    expect(got).toEqual(inputs.map((i) => i.action));
    expect(await shipAudit(db, keys, post)).toBe(0);
    // shipping marks do not break the chain
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});
