// Issue 7: the nurse downloads her unit for offline use, goes offline, and still sees every
// resident's medicines by round, the unit overview and the age of the data; what lies on disk is
// encrypted; the screen locks after inactivity. Real broker (`npm run web`), Debian's Chromium.
import { chromium, expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDemoPatients, buildWardResidents, DEMO_UNIT_ID } from '../fixtures/demo';
import { chromiumLaunch } from '../playwright.config';
import { appUrl, screenshot } from './helpers';

const residents = buildWardResidents(new Date());
const named = buildDemoPatients(new Date());
const nameOf = (p: { patient: { givenName: string; familyName: string } }) => `${p.patient.givenName} ${p.patient.familyName}`;

/** Opens a resident from the list by identity number (two residents may share a name). */
async function openResident(page: Page, r: { patient: { identityNumber: string } }) {
  const id = r.patient.identityNumber;
  await page.getByTestId('ward-resident-row').filter({ hasText: `${id.slice(0, 6)} ${id.slice(6)}` }).getByRole('button').click();
}

async function signInAsNurse(page: Page) {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Sigrid Moen' }).click();
  await expect(page.getByTestId('session-user-name')).toHaveText(/Sigrid Moen/);
  await expect(page.getByTestId('ward-panel')).toBeVisible();
}

async function downloadUnit(page: Page) {
  await page.getByRole('button', { name: 'Last ned for frakoblet bruk' }).click();
  await expect(page.getByTestId('ward-downloaded')).toContainText(/Lastet ned kl\. \d{2}:\d{2} \(3\d beboere\)/, { timeout: 30_000 });
  const rows = page.getByTestId('ward-resident-row');
  await expect(rows).toHaveCount(residents.length + named.filter((d) => d.patient.units?.includes(DEMO_UNIT_ID)).length);
  expect(await rows.count()).toBeGreaterThanOrEqual(30);
}

test.describe('avdelingen frakoblet', () => {
  test('nurse downloads solsiden-2, goes offline, opens residents and the unit overview with the data time', async ({ page, context }) => {
    await signInAsNurse(page);
    await screenshot(page, 'ward-before-download');
    await downloadUnit(page);
    await screenshot(page, 'ward-downloaded');

    await context.setOffline(true);
    const banner = page.getByTestId('offline-banner');
    await expect(banner).toContainText(/^Frakoblet — data fra kl\. \d{2}:\d{2}/);
    await expect(page.getByRole('button', { name: 'Last ned for frakoblet bruk' })).toBeDisabled();
    // offline, the unit offered is the one downloaded here, named from its sealed roster
    await expect(page.getByTestId('ward-unit-select').locator('option')).toHaveText([/^Solsiden sykehjem, avdeling 2 \(3\d beboere\)$/]);

    // a resident with CAVE and multidose, from the cache
    const withCave = residents.find((r) => r.criticalInfo.length > 0 && r.patient.multidose)!;
    await openResident(page, withCave);
    const card = page.getByTestId('ward-resident');
    await expect(page.getByTestId('resident-name')).toHaveText(nameOf(withCave));
    await expect(card.getByTestId('ward-cave')).toContainText(withCave.criticalInfo[0]!.agent);
    await expect(card.getByTestId('data-age')).toContainText(/Data hentet kl\. \d{2}:\d{2}/);
    const current = withCave.pll.filter((e) => !e.discontinued);
    for (const e of current) await expect(card).toContainText(e.medicine.name);
    const fixed = current.find((e) => e.use === '1' && e.dosage.doses?.[0]);
    if (fixed) await expect(card.getByTestId('round-morning').or(card.getByTestId('round-evening')).or(card.getByTestId('round-night')).first()).toContainText(/Multidose/);
    await expect(banner).toBeVisible();
    await screenshot(page, 'ward-offline-resident');

    // a second resident, then the whole unit
    await page.getByRole('button', { name: 'Tilbake til beboerlisten' }).click();
    const other = residents.find((r) => r !== withCave && r.pll.some((e) => e.use === '3'))!;
    await openResident(page, other);
    await expect(page.getByTestId('round-asNeeded')).toContainText(other.pll.find((e) => e.use === '3')!.medicine.name);
    await page.getByRole('button', { name: 'Tilbake til beboerlisten' }).click();
    await page.getByRole('button', { name: 'Avdelingsoversikt' }).click();
    const overview = page.getByTestId('ward-overview');
    await expect(overview.getByTestId('overview-row')).toHaveCount(await page.getByTestId('overview-row').count());
    expect(await overview.getByTestId('overview-row').count()).toBeGreaterThanOrEqual(30);
    await expect(overview).toContainText(nameOf(withCave));
    await expect(overview.getByRole('columnheader', { name: 'Ved behov' })).toBeVisible();
    await expect(banner).toContainText('Frakoblet');
    await screenshot(page, 'ward-offline-overview');
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'ward-offline-overview-print');
    await page.emulateMedia({ media: 'screen' });

    await context.setOffline(false);
    await expect(banner).toHaveCount(0);
  });

  test('marks data older than the limit on the screens that show it', async ({ page }) => {
    await signInAsNurse(page);
    await downloadUnit(page);
    await page.getByText('Innstillinger').click();
    await page.getByLabel('Marker data som gamle etter (timer)').fill('1');
    await page.getByRole('button', { name: 'Lagre' }).click();
    // two hours later, the same cached data is old
    await page.clock.install({ time: Date.now() + 2 * 3_600_000 });
    await page.getByRole('button', { name: 'Avdelingsoversikt' }).click();
    await expect(page.getByTestId('ward-overview').getByTestId('data-age')).toContainText(/Eldre enn 1 timer/);
    await page.getByRole('button', { name: 'Tilbake til beboerlisten' }).click();
    await openResident(page, residents[0]!);
    await expect(page.getByTestId('ward-resident').getByTestId('data-age')).toHaveAttribute('data-stale', 'true');
    await screenshot(page, 'ward-stale-resident');
  });

  test('the screen locks after 10 minutes without activity and hides the resident', async ({ page }) => {
    await page.clock.install();
    await signInAsNurse(page);
    await downloadUnit(page);
    const r = residents[1]!;
    await openResident(page, r);
    await expect(page.getByTestId('resident-name')).toHaveText(nameOf(r));
    await page.clock.fastForward('09:00');
    await expect(page.getByTestId('resident-name')).toBeVisible();
    await page.clock.fastForward('01:01');
    await expect(page.getByTestId('lock-screen')).toBeVisible();
    await expect(page.getByTestId('lock-screen')).toContainText('Skjermen er låst');
    await expect(page.getByText(nameOf(r))).toHaveCount(0);
    await expect(page.getByTestId('ward-panel')).toHaveCount(0);
    await screenshot(page, 'ward-locked');
    await page.getByRole('button', { name: 'Logg inn igjen som Sigrid Moen' }).click();
    await expect(page.getByTestId('ward-panel')).toBeVisible();
  });
});

/** All files under a directory. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

test('after the journey the profile on disk holds no identity number, name or drug name in clear text', async () => {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'samstem-profile-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, { ...chromiumLaunch, locale: 'nb-NO', timezoneId: 'Europe/Oslo' });
    const page = context.pages()[0] ?? (await context.newPage());
    await signInAsNurse(page);
    // a resident of her unit through the ordinary search too (local list beside the national one)
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('23013106088');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Solveig Johansen/);
    await downloadUnit(page);
    await context.setOffline(true);
    await openResident(page, residents[0]!);
    await expect(page.getByTestId('resident-name')).toHaveText(nameOf(residents[0]!));
    await context.close();

    const idbFiles = files(userDataDir).filter((f) => f.includes(`${path.sep}IndexedDB${path.sep}`));
    expect(idbFiles.length).toBeGreaterThan(0);
    const blobs = idbFiles.map((f) => readFileSync(f));
    const find = (text: string) => (['utf8', 'latin1', 'utf16le'] as const).some((enc) => blobs.some((b) => b.includes(Buffer.from(text, enc))));

    // Control: the scan sees clear text that is stored on purpose (the unit id of the download,
    // written in the same transactions as the sealed reads).
    expect(find(DEMO_UNIT_ID), 'control: the unit id should be visible on disk').toBe(true);

    // Nothing identifying: every demo identity number and full name (named patients, whose local
    // lists are seeded at start, and the residents downloaded), and every drug name.
    const everyone = [...named, ...residents];
    const secrets = [
      ...new Set([
        ...everyone.flatMap((d) => [d.patient.identityNumber, nameOf(d)]),
        ...everyone.flatMap((d) => [...d.pll, ...d.prescriptions, ...d.local].map((e) => e.medicine.name)),
      ]),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(80);
    const leaked = secrets.filter(find);
    expect(leaked, 'patient data in clear text in the IndexedDB files').toEqual([]);
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
