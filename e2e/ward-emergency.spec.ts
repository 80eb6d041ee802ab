// Issue 7: a patient outside the nurse's unit opens only with a reason (a form in place, no popup),
// and the broker logs it as emergency access with that reason.
import { expect, test } from '@playwright/test';
import { appUrl, screenshot } from './helpers';

const INGRID = '14034827061'; // the showcase patient: not in Solsiden, avdeling 2

test('nurse opens a patient outside her unit only with a reason, logged as emergency access', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Sigrid Moen' }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(INGRID);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();

  const form = page.getByTestId('emergency-access-form');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('read-error')).toContainText(/akuttilgang/);
  await expect(page.getByTestId('cave-banner')).toHaveCount(0);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await screenshot(page, 'emergency-form');

  await form.getByLabel('Begrunnelse').fill('kort');
  await form.getByRole('button', { name: 'Åpne med akuttilgang' }).click();
  await expect(form.getByRole('alert')).toContainText('minst 10 tegn');

  const reason = 'Beboer overflyttet i natt, trenger legemiddellisten før morgenrunden';
  await form.getByLabel('Begrunnelse').fill(reason);
  await form.getByRole('button', { name: 'Åpne med akuttilgang' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
  await expect(page.getByTestId('emergency-access-notice')).toContainText(reason);
  await expect(page.getByTestId('cave-banner')).toContainText('Penicillin');
  await screenshot(page, 'emergency-opened');

  const base = appUrl();
  const { access_token } = (await (await page.request.post(`${base}/auth/token`, { data: { userId: 'nurse-sigrid' } })).json()) as { access_token: string };
  const audit = (await (await page.request.get(`${base}/audit?patient=${INGRID}`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as { events: { action: string; userId?: string; reason?: string; outcome?: string }[] };
  expect(audit.events.filter((e) => e.userId === 'nurse-sigrid').map((e) => e.outcome)).toContain('403');
  expect(audit.events.find((e) => e.action === 'emergency-access' && e.userId === 'nurse-sigrid')).toMatchObject({ reason, outcome: 'ok' });
});
