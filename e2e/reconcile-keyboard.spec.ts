// Issue 6: the whole reconciliation with the keyboard only — no mouse, no click — from the start page
// to the per-prescription results, then the broker state read over HTTP. Solveig Johansen gets multidose,
// so her list is sent by the multidose doctor Per Aasen (Kristin Berg would be blocked: not-multidose-doctor).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { appUrl, row, screenshot } from './helpers';

const SOLVEIG = '23013106088';

/** Presses `key` (Tab, or J to move between rows) until `target` has focus; fails if it is never reached, i.e. unreachable by keyboard. */
async function tabTo(page: Page, target: Locator, max = 120, key = 'Tab'): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) break;
    await page.keyboard.press(key);
  }
  await expect(target).toBeFocused();
}

/** From the start page, tabs to the user `name` and chooses it with Enter; returns the identity number field. */
async function chooseUser(page: Page, name: string): Promise<Locator> {
  await page.goto(appUrl());
  const user = page.getByRole('button', { name });
  await expect(user).toBeVisible();
  await tabTo(page, user);
  await page.keyboard.press('Enter');
  return page.getByLabel('Fødselsnummer eller D-nummer');
}

test('keyboard only: Kristin Berg is not the multidose doctor, so she is told she cannot send the list', async ({ page }) => {
  const idField = await chooseUser(page, 'Kristin Berg');
  // choosing the user puts the focus straight in the identity number field
  await expect(idField).toBeFocused();
  await page.keyboard.type(SOLVEIG);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('patient-name')).toHaveText(/Solveig Johansen/);
  const paracet = row(page, 'Paracet tab 500 mg');
  await tabTo(page, paracet);
  // changing the dose changes the PLL, which only the multidose doctor may do
  await page.keyboard.press('d');
  await expect(paracet.getByTestId('dose-editor').getByRole('textbox', { name: /Kortdose/ })).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('2+2+2');
  await page.keyboard.press('Enter');
  await expect(paracet.getByTestId('decision-state')).toContainText('Ny dose');
  await expect(page.getByTestId('send-blockers')).toContainText('Bare multidoseansvarlig lege (HPR 5544332)');
  await expect(page.getByTestId('send-button')).toBeDisabled();
});

test('keyboard only: sign in, open a multidose patient, decide every line, sign and send', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  const idField = await chooseUser(page, 'Per Aasen');
  await expect(idField).toBeVisible();
  await tabTo(page, idField);
  await page.keyboard.type(SOLVEIG);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('patient-name')).toHaveText(/Solveig Johansen/);
  await expect(page.getByTestId('catalogue-status')).toContainText('Kontrollert mot FEST');
  await expect(page.getByTestId('multidose-status')).toHaveText(/Multidose: ja/);
  await expect(page.getByTestId('send-button')).toBeDisabled();

  // Tab reaches the first row (one tab stop for the rows); Paracet differs in dose
  const paracet = row(page, 'Paracet tab 500 mg');
  await tabTo(page, paracet);
  // J/K and the arrows move between the rows
  await page.keyboard.press('j');
  await expect(row(page, 'Glucophage tab 500 mg')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'Levaxin tab 50 mikrog')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(row(page, 'Glucophage tab 500 mg')).toBeFocused();
  await page.keyboard.press('k');
  await expect(paracet).toBeFocused();

  // D opens the dose editor with the focus in it; the local list (no night dose) is right: 3 Kortdose parts
  await page.keyboard.press('d');
  const editor = paracet.getByTestId('dose-editor');
  await expect(editor).toBeVisible();
  await expect(editor.getByRole('textbox', { name: /Kortdose/ })).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('2+2+2');
  await expect(editor.getByTestId('dose-preview')).toHaveText('Blir: 2 tabletter morgen, 2 tabletter midt på dagen og 2 tabletter kveld');
  await page.keyboard.press('Enter');
  await expect(paracet.getByTestId('decision-state')).toContainText('Ny dose: 2 tabletter morgen, 2 tabletter midt på dagen og 2 tabletter kveld');

  // Decide the lines that agree, too: keep Glucophage, renew Levaxin, discontinue Vallergan with a reason
  const glucophage = row(page, 'Glucophage tab 500 mg');
  await tabTo(page, glucophage, 20, 'j');
  await page.keyboard.press('b');
  await expect(glucophage.getByTestId('decision-state')).toContainText('Beholdes');
  const levaxin = row(page, 'Levaxin tab 50 mikrog');
  await tabTo(page, levaxin, 20, 'j');
  await page.keyboard.press('f');
  await expect(levaxin.getByTestId('decision-state')).toContainText('Fornyes');
  const vallergan = row(page, 'Vallergan tab 10 mg');
  await tabTo(page, vallergan, 20, 'j');
  await page.keyboard.press('s');
  const form = vallergan.getByTestId('discontinue-form');
  await expect(form).toBeVisible();
  const reason = form.getByLabel('Årsak til seponering');
  await expect(reason).toBeFocused();
  await page.keyboard.press('ArrowDown'); // A Avsluttet behandling
  await page.keyboard.press('Tab');
  await page.keyboard.type('Sover godt uten');
  await page.keyboard.press('Enter');
  await expect(vallergan.getByTestId('decision-state')).toContainText('Seponeres (Avsluttet behandling)');
  // focus stays in the list after a decision
  await expect(page.getByTestId('reconcile-row').and(page.locator(':focus'))).toHaveCount(1);

  await expect(page.getByTestId('progress')).toContainText('1 av 1 linjer som krever stilling');
  await expect(page.getByTestId('send-blockers')).toHaveCount(0);
  const send = page.getByTestId('send-button');
  await expect(send).toBeEnabled();
  await tabTo(page, send);
  await page.keyboard.press('Enter');
  const summary = page.getByTestId('send-summary');
  await expect(summary).toContainText('Paracet tab 500 mg');
  await expect(summary).toContainText('Vallergan tab 10 mg');
  // the focus moved to the heading of the send flow, so a screen reader starts reading there
  await expect(page.getByTestId('send-flow').locator('#send-heading')).toBeFocused();
  const sign = page.getByRole('button', { name: 'Signer og send' });
  await tabTo(page, sign);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('confirm-send')).toBeFocused();
  await page.keyboard.press('Enter');
  const results = page.getByTestId('send-results');
  await expect(results).toContainText('Paracet tab 500 mg: Registrert');
  await expect(results).toContainText('Ny PLL er registrert');
  await expect(page.getByTestId('send-flow').locator('#send-heading')).toBeFocused();
  await screenshot(page, 'reconcile-keyboard-done');
  // Ferdig is reachable and brings the keyboard back to the list
  const done = page.getByRole('button', { name: 'Ferdig' });
  await tabTo(page, done);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('reconcile-row').and(page.locator(':focus'))).toHaveCount(1);
  await expect(row(page, 'Paracet tab 500 mg').getByTestId('row-status')).toHaveText('Samstemt');

  // The broker holds what was sent
  const base = appUrl();
  const tok = await page.request.post(`${base}/auth/token`, { data: { userId: 'gp-per' } });
  const { access_token } = (await tok.json()) as { access_token: string };
  const res = await page.request.post(`${base}/fhir/Patient/$getMedication`, {
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/fhir+json' },
    data: { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: SOLVEIG }] } }] },
  });
  expect(res.ok()).toBe(true);
  const after = readGetMedicationResponse(await res.json());
  const pllParacet = after.pll.find((e) => e.medicine.name.startsWith('Paracet') && !e.discontinued);
  expect(pllParacet?.dosage.text).toBe('2 tabletter morgen, 2 tabletter midt på dagen og 2 tabletter kveld');
  expect(after.prescriptions.some((p) => p.medicine.name.startsWith('Paracet') && p.status === 'E' && p.dosage.shortCode === '2+2+2')).toBe(true);
  expect(after.prescriptions.some((p) => p.medicine.name.startsWith('Vallergan') && p.status === 'T')).toBe(true);
  expect(after.prescriptions.some((p) => p.medicine.name.startsWith('Levaxin') && p.status === 'T' && p.recall?.reason === '1')).toBe(true);
  expect(after.pll.some((e) => e.medicine.name.startsWith('Vallergan') && !e.discontinued)).toBe(false);
  expect(consoleErrors).toEqual([]);
});
