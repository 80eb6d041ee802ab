// The walking skeleton (issue 2): a GP picks a test user, enters an identity number, and sees the
// patient's local list beside the list the broker holds. Runs against `npm run web` (the real
// broker over HTTP, a fresh demo database) in Debian's Chromium.
import { expect, test } from '@playwright/test';
import { appUrl, screenshot } from './helpers';

test.describe('åpne pasient og se begge listene', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto(appUrl());
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
    // nothing was opened
    await expect(page.getByTestId('patient-name')).toHaveCount(0);
  });

  test('the showcase patient: local list beside PLL and prescriptions, with markers and the fetch time', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('140348 27061');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
    await expect(page.getByTestId('read-fetched')).toContainText(/Hentet fra Reseptformidleren \d{2}\.\d{2}\.\d{4} kl\. \d{2}:\d{2}/);
    await expect(page.getByTestId('cave-banner')).toContainText(/Penicillin/);

    const local = page.getByRole('region', { name: 'Lokal legemiddelliste' });
    const national = page.getByRole('region', { name: 'Nasjonal legemiddelliste' });
    await expect(local).toContainText('Marevan');
    await expect(national).toContainText('Marevan');
    // Ibux is only on the local list; Losec (from the hospital) only nationally
    await expect(local).toContainText('Ibux');
    await expect(national).not.toContainText('Ibux');
    await expect(national).toContainText('Losec');
    await expect(local).not.toContainText('Losec');
    const markers = page.getByTestId('match-marker');
    await expect(markers.filter({ hasText: 'Samme' }).first()).toBeVisible();
    await expect(markers.filter({ hasText: 'Bare lokalt' }).first()).toBeVisible();
    await expect(markers.filter({ hasText: /Ulik dosering/ }).first()).toBeVisible();
    await screenshot(page, 'skeleton-showcase-patient');
  });

  test('a D-nummer patient opens too', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('47068530187');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('patient-name')).toHaveText(/Tomasz Nowak/);
    await expect(page.getByTestId('patient-identity')).toHaveText('470685 30187');
    await expect(page.getByText('D-nummer', { exact: true })).toBeVisible();
    await screenshot(page, 'skeleton-d-nummer');
  });

  test('a valid number the broker does not know is said plainly, not as a crash', async ({ page }) => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('01015033459');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
    await expect(page.getByTestId('read-error')).toBeVisible();
    await expect(page.getByTestId('read-error')).not.toContainText(/undefined|TypeError/);
    await screenshot(page, 'skeleton-unknown-patient');
  });
});
