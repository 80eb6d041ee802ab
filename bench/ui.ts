// UI bench: time from pressing «Åpne pasient» for the showcase patient to the rendered grouped
// reconciliation, beside the bare $getMedication HTTP call measured in the same page (the reference).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config';

const SHOWCASE = '14034827061';
const ROUNDS = 10;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function startWeb(dbDir: string) {
  const child = spawn('npx', ['tsx', 'scripts/web.ts', '--port', '0', '--db', path.join(dbDir, 'broker.sqlite'), '--no-build'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode did not print its URL within 60 s:\n${output}`)), 60_000);
    const onData = (buf: Buffer) => {
      output += buf.toString();
      const m = /Samstem web: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`web mode exited with ${code}:\n${output}`)));
  });
  const stop = () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  return { url, stop };
}

export async function benchUi(): Promise<Record<string, number | string>> {
  if (!existsSync(path.resolve('renderer', 'dist', 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], { stdio: 'inherit' });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-bench-ui-'));
  const web = await startWeb(dir).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const newPage = async () => {
      const p = await browser.newPage({ locale: 'nb-NO', timezoneId: 'Europe/Oslo', viewport: { width: 1280, height: 800 } });
      await p.goto(web.url);
      await p.getByRole('button', { name: 'Kristin Berg' }).click();
      return p;
    };
    const openMs: number[] = [];
    // each round in a fresh page (signed in, start page); round 0 warms up and is not counted
    for (let i = 0; i < ROUNDS + 1; i++) {
      const p = await newPage();
      await p.getByLabel('Fødselsnummer eller D-nummer').fill(SHOWCASE);
      const button = p.getByRole('button', { name: 'Åpne pasient' });
      await button.waitFor({ state: 'visible' });
      const t0 = await p.evaluate(() => performance.now());
      await button.click();
      await p.getByTestId('group-changed').getByText('Selo-Zok').first().waitFor({ state: 'visible' });
      await p.getByTestId('reconcile-row').first().waitFor({ state: 'visible' });
      const t1 = await p.evaluate(() => performance.now());
      if (i > 0) openMs.push(t1 - t0);
      await p.close();
    }
    const page = await newPage();
    const httpMs = await page.evaluate(
      async ({ rounds, id }) => {
        const tok = await fetch('/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'gp-kristin' }) });
        const { access_token } = (await tok.json()) as { access_token: string };
        const body = JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: id }] } }] });
        const out: number[] = [];
        for (let i = 0; i < rounds + 1; i++) {
          const t0 = performance.now();
          const res = await fetch('/fhir/Patient/$getMedication', { method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/fhir+json' }, body });
          if (!res.ok) throw new Error(`$getMedication answered ${res.status}`);
          await res.json();
          if (i > 0) out.push(performance.now() - t0);
        }
        return out;
      },
      { rounds: ROUNDS, id: SHOWCASE },
    );
    const openMedian = median(openMs);
    const httpMedian = median(httpMs);
    return {
      rounds: ROUNDS,
      'open patient → grouped rows, median ms': Number(openMedian.toFixed(1)),
      'open patient, min/max ms': `${Math.min(...openMs).toFixed(1)}/${Math.max(...openMs).toFixed(1)}`,
      '$getMedication HTTP alone (reference), median ms': Number(httpMedian.toFixed(1)),
      'ratio open/getMedication': Number((openMedian / httpMedian).toFixed(2)),
      note: 'open includes the Playwright click round-trip and waitFor polling; the reference is a fetch+json inside the page',
    };
  } finally {
    await browser.close();
    web.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
