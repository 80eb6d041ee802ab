// The answer-delay fault: the operation is committed at once and only its answer is late, so a test
// can kill a client while the broker has already applied what it sent (issue 7, outbox replay).
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultConfig, parseFaultSpec } from './faults';
import { startBroker, type RunningBroker } from './server';
import { authHeader, getMedicationBody, postFhir, tempDbFile } from './testing';

describe('answerDelayMs', () => {
  it('is a delay like latencyMs (0–60000 ms), also from the CLI spec', () => {
    expect(parseFaultConfig({ answerDelayMs: 5000 })).toEqual({ answerDelayMs: 5000 });
    expect(() => parseFaultConfig({ answerDelayMs: 60_001 })).toThrow('answerDelayMs is at most 60000');
    expect(() => parseFaultConfig({ answerDelayMs: -1 })).toThrow('≥ 0');
    expect(parseFaultSpec('answer-delay=1500,drop=0.5')).toEqual({ answerDelayMs: 1500, dropAfterCommitRate: 0.5 });
  });

  describe('over HTTP', () => {
    const tmp = tempDbFile();
    let broker: RunningBroker;
    const reads = () => {
      const db = new Database(tmp.file, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM reads').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const setFaults = async (f: Record<string, number>) => {
      const r = await fetch(`${broker.url}/test/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(f) });
      expect(r.status).toBe(200);
      return r.json();
    };
    beforeAll(async () => {
      broker = await startBroker({ dbFile: tmp.file, seed: 'demo', testRoutes: true });
    });
    afterAll(async () => {
      await broker?.stop();
      tmp.cleanup();
    });

    it('records the operation before the answer leaves: the read is stored while the client still waits', async () => {
      const before = reads();
      expect(await setFaults({ answerDelayMs: 2000 })).toEqual({ answerDelayMs: 2000 });
      let answered = false;
      const pending = postFhir(`${broker.url}/fhir/Patient/$getMedication`, getMedicationBody('14034827061'), await authHeader(broker.url)).then((r) => {
        answered = true;
        return r;
      });
      // wait (without a clock assumption) until the broker has stored the read
      while (reads() === before) await new Promise((r) => setTimeout(r, 20));
      expect(answered).toBe(false);
      const res = await pending;
      expect(res.status).toBe(200);
      expect(reads()).toBe(before + 1);
      await setFaults({});
    });
  });
});
