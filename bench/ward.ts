// Ward bench (issue 7): a nursing-home unit of 300 residents in Chromium with IndexedDB on disk.
//   (a) the app's own download: «Last ned for frakoblet bruk» pressed in the page until the
//       progress bar is gone and the done text names 300 residents (roster call, 300 $getMedication
//       with the app's concurrency, each parsed, sealed with AES-GCM and written, then the unit row);
//   (b) the reference in the same page: the same roster and 300 $getMedication answers fetched with
//       the same concurrency, parsed as JSON and written with ONE raw put-all transaction (what a
//       Dexie bulkPut does) into a scratch IndexedDB database, durability 'strict' like the app's;
//   (c) offline (context offline): opening one resident from the downloaded list until the list by
//       round is rendered, beside a raw IndexedDB get of one sealed row of the app's cache.
// The broker runs as web mode (its own process) over a throw-away database: the demo data plus
// generated residents up to 300 in the demo unit, so the demo nurse (Sigrid Moen) belongs to it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { buildWardResidents, DEMO_UNIT_ID } from '../fixtures/demo';
import { openDatabase, seedDemo, seedPatients } from '../broker';
import { demoSeededAt } from '../broker/seed';
import { unitResidents } from '../broker/roster';
import { DOWNLOAD_CONCURRENCY } from '../renderer/src/features/ward/wardSync';
import { chromiumLaunch } from '../playwright.config';
import { startWebProcess } from '../scripts/webProcess';
import { median } from './stats';

const RESIDENTS = 300;
const DOWNLOAD_ROUNDS = Number(process.env.BENCH_WARD_ROUNDS ?? 5);
const OPEN_ROUNDS = Number(process.env.BENCH_WARD_OPEN_ROUNDS ?? 20);

const r1 = (x: number) => Number(x.toFixed(1));
const minMax = (xs: number[]) => `${Math.min(...xs).toFixed(1)}/${Math.max(...xs).toFixed(1)}`;

/** A broker database whose demo unit has exactly RESIDENTS residents (the demo ones plus generated). */
function seedBenchDb(file: string): void {
  const db = openDatabase(file);
  try {
    const now = new Date();
    seedDemo(db, now);
    const base = new Date(demoSeededAt(db)!);
    // buildWardResidents is deterministic and prefix-stable: its first 30 are the demo unit's own
    // generated residents (already seeded); the named demo residents of the unit come on top.
    const named = unitResidents(db, DEMO_UNIT_ID).length - buildWardResidents(base).length;
    seedPatients(db, buildWardResidents(base, RESIDENTS - named), now);
    const total = unitResidents(db, DEMO_UNIT_ID).length;
    if (total !== RESIDENTS) throw new Error(`the bench unit has ${total} residents, expected ${RESIDENTS}`);
  } finally {
    db.close();
  }
}

export async function benchWard(): Promise<Record<string, number | string>> {
  if (!existsSync(path.resolve('renderer', 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { stdio: 'inherit' });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-bench-ward-'));
  const dbFile = path.join(dir, 'broker.sqlite');
  seedBenchDb(dbFile);
  const web = await startWebProcess(dbFile).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  // A persistent context: IndexedDB on disk, as the nurse's machine has it (a plain newContext keeps it in memory).
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), { ...chromiumLaunch, locale: 'nb-NO', timezoneId: 'Europe/Oslo', viewport: { width: 1280, height: 800 } });
  try {
    // tsx (esbuild keepNames) wraps named functions in __name(); the page functions below run in Chromium.
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(web.url);
    await page.getByRole('button', { name: 'Sigrid Moen' }).click();
    await page.getByTestId('ward-panel').waitFor();
    await page.getByTestId('ward-unit-select').locator('option', { hasText: `(${RESIDENTS} beboere)` }).waitFor({ state: 'attached' });

    // (a) the app's download, timed inside the page from the button press to the done state.
    const appDownload = () =>
      page.evaluate(async (n) => {
        const q = (id: string) => document.querySelector(`[data-testid="${id}"]`);
        const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Last ned for frakoblet bruk')!;
        const before = q('ward-downloaded')?.textContent ?? '';
        const t0 = performance.now();
        button.click();
        let sawProgress = false;
        await new Promise<void>((resolve, reject) => {
          const deadline = t0 + 300_000;
          const tick = () => {
            if (q('ward-progress')) sawProgress = true;
            const alert = document.querySelector('[data-testid="ward-panel"] [role="alert"]');
            if (alert) return reject(new Error(`download failed or partly failed: ${alert.textContent}`));
            const done = q('ward-downloaded')?.textContent ?? '';
            if (sawProgress && !q('ward-progress') && done.includes(`(${n} beboere)`) && !button.disabled) return resolve();
            if (performance.now() > deadline) return reject(new Error(`download not done after 300 s (${before} → ${done})`));
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        return performance.now() - t0;
      }, RESIDENTS);

    // (b) the reference: same roster + 300 reads with the same concurrency, one put-all transaction.
    const reference = () =>
      page.evaluate(
        async ({ unitId, concurrency }) => {
          const name = 'bench-ward-reference';
          await new Promise<void>((resolve, reject) => {
            const del = indexedDB.deleteDatabase(name);
            del.onsuccess = () => resolve();
            del.onerror = () => reject(del.error);
          });
          const idb = await new Promise<IDBDatabase>((resolve, reject) => {
            const open = indexedDB.open(name, 1);
            open.onupgradeneeded = () => open.result.createObjectStore('reads', { keyPath: 'id' });
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
          });
          const system = { FNR: 'urn:oid:2.16.578.1.12.4.1.4.1', DNR: 'urn:oid:2.16.578.1.12.4.1.4.2', HNR: 'urn:oid:2.16.578.1.12.4.1.4.3' } as Record<string, string>;
          const t0 = performance.now();
          const tok = await fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'nurse-sigrid' }) });
          const { access_token } = (await tok.json()) as { access_token: string };
          const roster = (await (await fetch(`/units/${unitId}/residents`, { headers: { authorization: `Bearer ${access_token}` }, cache: 'no-store' })).json()) as { residents: { identityNumber: string; identityKind: string }[] };
          const rows: { id: string; bundle: unknown }[] = [];
          let next = 0;
          const worker = async () => {
            while (next < roster.residents.length) {
              const r = roster.residents[next++]!;
              const body = JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ system: system[r.identityKind], value: r.identityNumber }] } }] });
              const res = await fetch('/fhir/Patient/$getMedication', { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json' }, body, cache: 'no-store' });
              if (!res.ok) throw new Error(`$getMedication answered ${res.status}`);
              rows.push({ id: r.identityNumber, bundle: await res.json() });
            }
          };
          await Promise.all(Array.from({ length: concurrency }, worker));
          const tFetched = performance.now();
          await new Promise<void>((resolve, reject) => {
            const tx = idb.transaction('reads', 'readwrite', { durability: 'strict' });
            const store = tx.objectStore('reads');
            for (const row of rows) store.put(row);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
          const t1 = performance.now();
          idb.close();
          return { totalMs: t1 - t0, fetchMs: tFetched - t0, writeMs: t1 - tFetched, rows: rows.length };
        },
        { unitId: DEMO_UNIT_ID, concurrency: DOWNLOAD_CONCURRENCY },
      );

    const appMs: number[] = [];
    const ref: { totalMs: number; fetchMs: number; writeMs: number; rows: number }[] = [];
    let usageMiB: number | undefined;
    for (let i = 0; i < DOWNLOAD_ROUNDS; i++) {
      appMs.push(await appDownload());
      if (i === 0) usageMiB = await page.evaluate(async () => ((await navigator.storage.estimate()).usage ?? 0) / 2 ** 20);
      ref.push(await reference());
    }
    if (ref.some((x) => x.rows !== RESIDENTS)) throw new Error(`the reference wrote ${ref.map((x) => x.rows).join('/')} rows, expected ${RESIDENTS}`);
    await page.evaluate(() => new Promise<void>((resolve) => {
      const del = indexedDB.deleteDatabase('bench-ward-reference');
      del.onsuccess = del.onerror = () => resolve();
    }));
    const rowCount = await page.getByTestId('ward-resident-row').count();
    if (rowCount !== RESIDENTS) throw new Error(`the ward list shows ${rowCount} residents, expected ${RESIDENTS}`);

    // (c) offline: open one resident (the 150th row) from the cached list until its list by round is rendered.
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    const row = Math.floor(RESIDENTS / 2);
    const openMs: number[] = [];
    for (let i = 0; i < OPEN_ROUNDS + 1; i++) {
      const ms = await page.evaluate(async (row) => {
        const rows = document.querySelectorAll('[data-testid="ward-resident-row"]');
        const button = rows[row]!.querySelector('button')!;
        const name = button.textContent;
        const t0 = performance.now();
        button.click();
        await new Promise<void>((resolve, reject) => {
          const tick = () => {
            const card = document.querySelector('[data-testid="ward-resident"]');
            if (card && document.querySelector('[data-testid="resident-name"]')?.textContent === name && card.querySelector('[data-testid^="round-"], p')) return resolve();
            if (performance.now() - t0 > 30_000) return reject(new Error('resident not shown within 30 s'));
            requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        const t1 = performance.now();
        [...document.querySelectorAll('button')].find((b) => b.textContent === 'Tilbake til beboerlisten')!.click();
        await new Promise<void>((resolve) => {
          const back = () => (document.querySelectorAll('[data-testid="ward-resident-row"]').length > 0 ? resolve() : requestAnimationFrame(back));
          requestAnimationFrame(back);
        });
        return t1 - t0;
      }, row);
      if (i > 0) openMs.push(ms);
    }
    // References, in the same page, for THAT resident's row of the app's cache (renderer/src/db/reads.ts):
    // a raw IndexedDB get (key computed outside the timing), and the app's cached-read path without
    // React: blind index (HMAC) + get + AES-GCM decrypt + JSON.parse, with the install's own keys.
    const identityNumber = ((await page.getByTestId('ward-resident-row').nth(row).locator('td').first().textContent()) ?? '').replace(/\s+/g, '');
    const refs = await page.evaluate(
      async ({ rounds, id }) => {
        const req = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
        const idb = await req(indexedDB.open('samstem'));
        const keyRows = await req(idb.transaction('keys').objectStore('keys').getAll() as IDBRequest<{ id: string; key: CryptoKey }[]>);
        const enc = keyRows.find((k) => k.id === 'web-aes-gcm')?.key;
        const mac = keyRows.find((k) => k.id === 'web-hmac-index')?.key;
        if (!enc || !mac) throw new Error('the web install keys (web-aes-gcm, web-hmac-index) are not in the keys table');
        const utf8 = new TextEncoder();
        const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
        const blind = async () => hex(await crypto.subtle.sign('HMAC', mac, utf8.encode(`identity:${id}`)));
        const key = await blind();
        const getRow = () => req(idb.transaction('reads').objectStore('reads').get(key) as IDBRequest<{ patientKey: string; sealed: { iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer } } | undefined>);
        if (!(await getRow())) throw new Error('the resident has no row in the reads table');
        const getMs: number[] = [];
        const loadMs: number[] = [];
        for (let i = 0; i < rounds + 1; i++) {
          let t0 = performance.now();
          await getRow();
          if (i > 0) getMs.push(performance.now() - t0);
          t0 = performance.now();
          const k = await blind();
          const r = (await req(idb.transaction('reads').objectStore('reads').get(k) as IDBRequest<{ patientKey: string; sealed: { iv: Uint8Array<ArrayBuffer>; ct: ArrayBuffer } }>))!;
          const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: r.sealed.iv, additionalData: utf8.encode(`reads:${r.patientKey}`) }, enc, r.sealed.ct);
          const read = JSON.parse(new TextDecoder().decode(plain)) as { patient: { identityNumber: string } };
          if (read.patient.identityNumber !== id) throw new Error('decrypted the wrong resident');
          if (i > 0) loadMs.push(performance.now() - t0);
        }
        idb.close();
        return { getMs, loadMs };
      },
      { rounds: OPEN_ROUNDS, id: identityNumber },
    );
    const getMs = refs.getMs;
    await context.setOffline(false);

    const app = median(appMs);
    const refTotal = median(ref.map((x) => x.totalMs));
    const open = median(openMs);
    const get = median(getMs);
    return {
      residents: RESIDENTS,
      concurrency: DOWNLOAD_CONCURRENCY,
      'download rounds': DOWNLOAD_ROUNDS,
      'app download of the unit (UI, sealed), median ms': r1(app),
      'app download, min/max ms': minMax(appMs),
      'app download, residents/s': r1((RESIDENTS / app) * 1000),
      'reference fetch + one put-all transaction, median ms': r1(refTotal),
      'reference, min/max ms': minMax(ref.map((x) => x.totalMs)),
      'reference fetch part, median ms': r1(median(ref.map((x) => x.fetchMs))),
      'reference write part (one transaction of 300), median ms': r1(median(ref.map((x) => x.writeMs))),
      'ratio app/reference': Number((app / refTotal).toFixed(2)),
      'IndexedDB usage of the origin after the first download, MiB': usageMiB === undefined ? 'n/a' : Number(usageMiB.toFixed(2)),
      'open rounds': OPEN_ROUNDS,
      'offline: open one resident → list by round rendered, median ms': r1(open),
      'offline open, min/max ms': minMax(openMs),
      'raw IndexedDB get of that resident\'s sealed row (reference), median ms': Number(get.toFixed(2)),
      'ratio open/get': Number((open / get).toFixed(1)),
      'cached read without UI: blind index + get + decrypt + parse, median ms': Number(median(refs.loadMs).toFixed(2)),
      note: 'Chromium persistent context (IndexedDB on disk); broker in its own process (web mode) on the same 2 cores; the offline open decrypts nothing (the list holds the unit decrypted) but renders the card and writes a patient-view audit entry',
    };
  } finally {
    await context.close();
    web.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
