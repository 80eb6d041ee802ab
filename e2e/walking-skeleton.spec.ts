// The walking skeleton (issue 2): a GP picks a test user, enters an identity number, and sees the
// patient's local list beside the list the broker holds. Runs against `npm run web` (the real
// broker over HTTP, a fresh demo database) in Debian's Chromium.
import { expect, test } from '@playwright/test';
import { appUrl, axe, screenshot } from './helpers';

test.describe('åpne pasient og se begge listene', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto(appUrl());
    await axe(page, 'sign-in');
    await page.getByRole('button', { name: 'Kristin Berg' }).click();
    await expect(page.getByTestId('session-user-name')).toHaveText(/Kristin Berg/);
  });

  test('a wrong identity number gets a Norwegian message saying what is wrong', async ({ page }) => {
    const input = page.getByLabel('Fødselsnummer eller D-nummer');
    await input.fill('14034827062'); // the showcase number with its last digit changed
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('identity-error')).toContainText(/[Kk]ontrollsif/);
    await expect(input).toHaveAttribute('aria-invalid', 'true');

    await input.fill('1403482706');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('identity-error')).toContainText('11 siffer');
    await screenshot(page, 'skeleton-wrong-number');
    await axe(page, 'wrong identity number');
    // nothing was opened
    await expect(page.getByTestId('patient-name')).toHaveCount(0);
  });

  test('the showcase patient: local list against PLL and prescriptions, grouped, with the fetch time', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('140348 27061');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
    await expect(page.getByTestId('read-fetched')).toContainText(/Hentet fra Reseptformidleren \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2}/);
    await expect(page.getByTestId('cave-banner')).toContainText(/Penicillin/);

    // Rows from the reconciliation engine, grouped: same / changed / only in one source (issue 6).
    const row = (name: string) => page.getByTestId('reconcile-row').filter({ has: page.getByRole('heading', { name }) });
    await expect(page.getByTestId('group-same')).toContainText('Marevan');
    await expect(row('Marevan tab 2,5 mg').getByTestId('row-status')).toHaveText('Samstemt');
    // Ibux is only on the local list; Losec (from the hospital) only nationally
    await expect(page.getByTestId('group-only-one-source')).toContainText('Ibux');
    await expect(row('Ibux tab 400 mg').getByTestId('row-status')).toHaveText('Bare i lokal liste');
    await expect(row('Losec MUPS enterotab 20 mg').getByTestId('row-status')).toHaveText('Bare i PLL');
    await expect(row('Selo-Zok depottab 50 mg').getByTestId('row-status')).toHaveText(/Ulik dosering/);
    await expect(row('Selo-Zok depottab 50 mg').getByTestId('differences')).toContainText('Dosering: lokalt «2 tabletter morgen», nasjonalt «1 tablett morgen»');
    await screenshot(page, 'skeleton-showcase-patient');
  });

  test('a D-nummer patient opens too', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('47068530187');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Tomasz Nowak/);
    await expect(page.getByTestId('patient-identity')).toHaveText('470685 30187');
    await expect(page.getByText('D-nummer', { exact: true })).toBeVisible();
    await screenshot(page, 'skeleton-d-nummer');
    await axe(page, 'patient');

    // open another patient, then come back to Tomasz from the recent patients
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('14034827061');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
    const recent = page.getByRole('navigation', { name: 'Nylig åpnede pasienter' });
    await expect(recent.getByRole('listitem')).toHaveCount(2);
    await expect(recent.getByRole('listitem').first()).toContainText('Ingrid Halvorsen');
    await recent.getByRole('button', { name: 'Tomasz Nowak' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Tomasz Nowak/);
    await screenshot(page, 'skeleton-recent-patients');
    await axe(page, 'recent patients');
  });

  test('a valid number the broker does not know is said plainly, not as a crash', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('01015033459');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('read-error')).toBeVisible();
    await expect(page.getByTestId('read-error')).not.toContainText(/undefined|TypeError/);
    await screenshot(page, 'skeleton-unknown-patient');
  });
});
