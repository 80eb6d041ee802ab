// Issue 7: every signed-in screen locks after 10 minutes without activity; the patient on screen is
// hidden (unmounted) until the user signs in again, and activity keeps the screen open.
import { expect, test } from '@playwright/test';
import { appUrl, screenshot } from './helpers';

test('the GP screen locks after 10 idle minutes and hides the patient; activity postpones it', async ({ page }) => {
  await page.clock.install();
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill('14034827061');
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);

  await page.clock.fastForward('08:00');
  await page.mouse.move(200, 300);
  await page.keyboard.press('Shift');
  await page.clock.fastForward('08:00');
  await expect(page.getByTestId('patient-name')).toBeVisible();

  await page.clock.fastForward('02:01');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByTestId('patient-name')).toHaveCount(0);
  await expect(page.getByText('Ingrid Halvorsen')).toHaveCount(0);
  await expect(page.getByText('Penicillin')).toHaveCount(0);
  await screenshot(page, 'lock-gp');

  await page.getByRole('button', { name: 'Logg inn igjen som Kristin Berg' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
});

test('offline, a patient read earlier on this machine can be shown as stored data with its time', async ({ page, context }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  const open = async () => {
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('14034827061');
    await page.getByRole('button', { name: 'Åpne pasient' }).click();
  };
  await open();
  await expect(page.getByTestId('read-fetched')).toBeVisible();
  await page.getByRole('button', { name: 'Lukk pasient' }).click();

  await context.setOffline(true);
  await open();
  await expect(page.getByTestId('read-error')).toBeVisible();
  await expect(page.getByTestId('offline-banner')).toContainText(/Frakoblet — data fra kl\. \d{2}:\d{2}/);
  const offer = page.getByTestId('cached-read-offer');
  await expect(offer).toContainText(/Lagrede data for pasienten finnes, hentet kl\. \d{2}:\d{2}/);
  await offer.getByRole('button', { name: 'Vis lagrede data (kun visning)' }).click();
  await expect(offer.getByTestId('resident-name')).toHaveText('Ingrid Halvorsen');
  await expect(offer.getByTestId('ward-cave')).toContainText('Penicillin');
  await expect(offer.getByTestId('data-age')).toContainText(/Data hentet kl\. \d{2}:\d{2}/);
  await expect(offer).toContainText('Marevan');
  await screenshot(page, 'offline-cached-read');
});
