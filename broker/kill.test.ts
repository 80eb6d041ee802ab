// Kill test: the broker runs as its own process (`node --import tsx broker/cli.ts`), a batch of
// sends is fired at it, and it is killed with SIGKILL mid-batch. After a restart on the same file
// every send is either fully applied (new prescription, recall, new PLL, idempotency record and
// change record) or not at all; every send the client saw answered 200 is applied; and retrying
// the whole batch with the same keys applies each send exactly once.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { buildDemoFixtures } from '../fixtures/demo';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { writeSendMedicationRequest, type SendPlan } from '../shared/fhir/sendMedication';
import type { Prescription } from '../shared/model';
import { startBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';
import './testing-fhir';

const repo = resolve(fileURLToPath(import.meta.url), '../..');

function startChild(dbFile: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'broker/cli.ts', '--port', '0', '--db', dbFile, '--seed', 'demo', '--quiet'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) ok(m[0]);
    });
    child.once('exit', (code) => fail(new Error(`broker exited ${code} before printing its URL`)));
  });
  return { child, url };
}

interface Planned {
  key: string;
  patient: string;
  newId: string;
  oldId: string;
  body: string;
}

describe('kill mid-batch', () => {
  it('leaves every send fully applied or not at all, and a retry of the batch applies each once', async () => {
    const tmp = tempDbFile();
    const { child, url: urlP } = startChild(tmp.file);
    try {
      const url = await urlP;
      // Per Aasen (the nursing-home doctor) has a care relationship with every resident of the unit
      const gp = await authHeader(url, 'gp-per');
      const residents = buildDemoFixtures().units[0]!.residentIdentityNumbers;
      const planned: Planned[] = [];
      for (const id of residents) {
        const r = await postFhir(`${url}/fhir/Patient/$getMedication`, getMedicationBody(id), gp);
        expect(r.status, r.text).toBe(200);
        const read = readGetMedicationResponse(r.json);
        const old = read.prescriptions.find((p) => p.status === 'E' && read.pll.some((e) => e.reseptId === p.reseptId))!;
        const next: Prescription = { ...old, reseptId: randomUUID(), status: 'E', dosage: { ...old.dosage, text: `${old.dosage.text} (endret)` } };
        const pll = read.pll.map((e) => (e.reseptId === old.reseptId ? { ...e, reseptId: next.reseptId, dosage: next.dosage } : e));
        const plan: SendPlan = {
          readId: read.readId, patient: read.patient, newPrescriptions: [next], recalls: [{ reseptId: old.reseptId, reason: '3', renewedBy: next.reseptId }], pll,
          sentAt: new Date().toISOString(), sender: { name: 'Per Aasen', hpr: '5544332', organisation: 'Solsiden sykehjem' },
          ...(read.pllMessageId ? { pllMessageId: read.pllMessageId } : {}),
        };
        planned.push({ key: `kill-${id}`, patient: id, newId: next.reseptId, oldId: old.reseptId, body: JSON.stringify(writeSendMedicationRequest(plan)) });
      }

      // Fire the whole batch at once; SIGKILL as soon as the first few answers are in.
      const seen200 = new Set<string>();
      let answered = 0;
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      const sends = planned.map((p) =>
        postFhir(`${url}/fhir/Patient/$sendMedication`, p.body, { ...gp, 'idempotency-key': p.key }).then(
          (r) => {
            if (r.status === 200) seen200.add(p.key);
            // a few ms after the third answer, so some sends are committed but not yet answered
            if (++answered === 3) setTimeout(() => child.kill('SIGKILL'), 3);
          },
          () => undefined, // the connection died with the process
        ),
      );
      await Promise.all(sends);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      expect(child.signalCode).toBe('SIGKILL');

      // Restart on the same file (WAL recovery), then check each send against the store.
      const broker = await startBroker({ dbFile: tmp.file, seed: 'demo' });
      try {
        const check = () => {
          const db = new Database(tmp.file, { readonly: true });
          try {
            let applied = 0;
            for (const p of planned) {
              const idem = db.prepare('SELECT count(*) FROM sends WHERE idempotency_key = ?').pluck().get(p.key) as number;
              const newRx = db.prepare('SELECT status FROM prescriptions WHERE resept_id = ?').pluck().get(p.newId) as string | undefined;
              const oldRx = db.prepare('SELECT status FROM prescriptions WHERE resept_id = ?').pluck().get(p.oldId) as string;
              const pll = db.prepare('SELECT entries FROM pll_versions WHERE patient = ? ORDER BY seq DESC LIMIT 1').pluck().get(p.patient) as string;
              const pllHasNew = (JSON.parse(pll) as { reseptId?: string }[]).some((e) => e.reseptId === p.newId);
              const pllVersions = db.prepare('SELECT count(*) FROM pll_versions WHERE patient = ?').pluck().get(p.patient) as number;
              const sendChanges = db.prepare("SELECT count(*) FROM changes WHERE patient = ? AND kind = 'send'").pluck().get(p.patient) as number;
              const state = { idem, newRx: newRx ?? null, oldRx, pllHasNew, pllVersions, sendChanges };
              if (idem === 1) {
                applied++;
                expect(state, p.key).toEqual({ idem: 1, newRx: 'E', oldRx: 'T', pllHasNew: true, pllVersions: 2, sendChanges: 1 });
              } else {
                expect(state, p.key).toEqual({ idem: 0, newRx: null, oldRx: 'E', pllHasNew: false, pllVersions: 1, sendChanges: 0 });
                expect(seen200.has(p.key), `${p.key} was answered 200 but is not applied`).toBe(false);
              }
            }
            return applied;
          } finally {
            db.close();
          }
        };
        const appliedBeforeRetry = check();
        if (process.env.KILL_DEBUG) console.log(`applied before retry: ${appliedBeforeRetry} of ${planned.length}, answered 200: ${seen200.size}`);
        expect(appliedBeforeRetry).toBeGreaterThanOrEqual(seen200.size);
        expect(seen200.size).toBeGreaterThanOrEqual(1);

        // The client retries the whole batch with the same keys: applied ones are replayed, the
        // rest are applied now (their reads are still fresh and nothing changed since).
        const gp2 = await authHeader(broker.url, 'gp-per');
        const retries = await Promise.all(planned.map((p) => postFhir(`${broker.url}/fhir/Patient/$sendMedication`, p.body, { ...gp2, 'idempotency-key': p.key })));
        expect(retries.map((r) => r.status)).toEqual(planned.map(() => 200));
        expect(check()).toBe(planned.length);
      } finally {
        await broker.stop();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      tmp.cleanup();
    }
  });
});
