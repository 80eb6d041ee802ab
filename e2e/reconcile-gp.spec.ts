// Issue 6: the GP reconciles the showcase patient with the keyboard, signs and sends, and the broker
// holds what was sent. Runs against `npm run web` (real broker, fresh demo database).
import { expect, test, type Page } from '@playwright/test';
import { readGetMedicationResponse } from '../shared/fhir/getMedication';
import { axe, appUrl, row, screenshot } from './helpers';

const SHOWCASE = '14034827061';

async function brokerRead(page: Page, identityNumber = SHOWCASE, system = 'urn:oid:2.16.578.1.12.4.1.4.1') {
  const base = appUrl();
  const tok = await page.request.post(`${base}/auth/token`, { data: { userId: 'gp-kristin' } });
  const { access_token } = (await tok.json()) as { access_token: string };
  const res = await page.request.post(`${base}/fhir/Patient/$getMedication`, {
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/fhir+json' },
    data: { resourceType: 'Parameters', parameter: [{ name: 'patient', resource: { resourceType: 'Patient', identifier: [{ system, value: identityNumber }] } }] },
  });
  expect(res.ok()).toBe(true);
  return readGetMedicationResponse(await res.json());
}

async function openShowcase(page: Page, identityNumber = SHOWCASE, name = /Ingrid Halvorsen/) {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(identityNumber);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(name);
  await expect(page.getByTestId('catalogue-status')).toContainText('Kontrollert mot FEST');
}

test.describe('legemiddelsamstemming for fastlegen', () => {
  test('groups, findings on their rows, keyboard decisions, send and the broker state', async ({ page }) => {
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await openShowcase(page);
    // Grouped rows with the three sources side by side
    await expect(page.getByTestId('group-changed')).toContainText('Selo-Zok');
    await expect(page.getByTestId('group-only-one-source')).toContainText('Losec');
    await expect(page.getByTestId('group-same')).toContainText('Marevan');
    await expect(page.getByTestId('multidose-status')).toHaveText(/Multidose: nei/);
    await expect(page.getByTestId('cave-banner')).toContainText('Penicillin');

    // The Marevan + Ibux interaction sits on both rows, as a high-severity marker with details on demand
    const ibux = row(page, 'Ibux tab 400 mg');
    const marker = ibux.getByTestId('finding').filter({ hasText: 'Marevan' });
    await expect(marker).toHaveAttribute('data-severity', 'high');
    await expect(marker).toContainText('Høy');
    await expect(row(page, 'Marevan tab 2,5 mg').getByTestId('finding').filter({ hasText: 'Ibux' })).toBeVisible();
    await marker.locator('summary').click();
    await expect(marker).toContainText('Klinisk konsekvens');

    // Sending is blocked, saying why
    await expect(page.getByTestId('send-button')).toBeDisabled();
    await expect(page.getByTestId('send-blockers')).toContainText('Ta stilling til «Ibux tab 400 mg»');
    await expect(page.getByTestId('progress')).toContainText('0 av 4 linjer som krever stilling');
    await axe(page, 'workspace');
    await screenshot(page, 'reconcile-workspace');

    // Keyboard only from here: focus the first row and decide
    await row(page, 'Furix tab 40 mg').focus();
    await expect(row(page, 'Furix tab 40 mg')).toBeFocused();
    // Furix: recalled in RF but active locally → discontinue (reason required)
    await page.keyboard.press('s');
    const form = row(page, 'Furix tab 40 mg').getByTestId('discontinue-form');
    await expect(form).toBeVisible();
    await page.keyboard.press('Tab'); // to the note
    await page.keyboard.press('Enter'); // submit without a reason
    await expect(form).toContainText('Velg en årsak');
    await axe(page, 'discontinue form');
    await form.getByLabel('Årsak til seponering').focus();
    await page.keyboard.press('ArrowDown'); // A Avsluttet behandling
    await page.keyboard.press('Tab');
    await page.keyboard.type('Hjertesvikt kompensert');
    await page.keyboard.press('Enter');
    await expect(row(page, 'Furix tab 40 mg').getByTestId('decision-state')).toContainText('Seponeres (Avsluttet behandling)');

    // Focus moved to the next undecided row: Selo-Zok. Change the dose with a Kortdose.
    await expect(row(page, 'Selo-Zok depottab 50 mg')).toBeFocused();
    await page.keyboard.press('d');
    const editor = row(page, 'Selo-Zok depottab 50 mg').getByTestId('dose-editor');
    await expect(editor).toBeVisible();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('1-0-0-0');
    await page.keyboard.press('Enter');
    await expect(editor).toContainText('Bruk + mellom leddene');
    await axe(page, 'dose editor');
    await screenshot(page, 'reconcile-dose-editor');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('1+0+0+0');
    await expect(editor.getByTestId('dose-preview')).toHaveText('Blir: 1 tablett morgen');
    await page.keyboard.press('Enter');
    await expect(row(page, 'Selo-Zok depottab 50 mg').getByTestId('decision-state')).toContainText('Ny dose: 1 tablett morgen');

    // Next: Losec (only in PLL) → take into the local list
    await expect(row(page, 'Losec MUPS enterotab 20 mg')).toBeFocused();
    await page.keyboard.press('t');
    // Next: Ibux (only local, interacts with Marevan) → discontinue because of the interaction
    await expect(row(page, 'Ibux tab 400 mg')).toBeFocused();
    await page.keyboard.press('s');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown'); // I Interaksjon med annet legemiddel
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(ibux.getByTestId('decision-state')).toContainText('Seponeres (Interaksjon med annet legemiddel)');

    // Levaxin expires soon: renew (k/j move between rows)
    await row(page, 'Levaxin tab 50 mikrog').focus();
    await page.keyboard.press('j');
    await expect(row(page, 'Glucophage tab 500 mg')).toBeFocused();
    await page.keyboard.press('k');
    await expect(row(page, 'Levaxin tab 50 mikrog')).toBeFocused();
    await page.keyboard.press('f');
    await expect(row(page, 'Levaxin tab 50 mikrog').getByTestId('decision-state')).toContainText('Fornyes');

    await expect(page.getByTestId('progress')).toContainText('4 av 4 linjer som krever stilling');
    await expect(page.getByTestId('send-blockers')).toHaveCount(0);
    await expect(page.getByTestId('send-button')).toBeEnabled();
    await screenshot(page, 'reconcile-decided');

    // Sign and send: a summary of exactly what is sent, a confirmation, then the results
    await page.getByTestId('send-button').focus();
    await page.keyboard.press('Enter');
    const summary = page.getByTestId('send-summary');
    await expect(summary).toContainText('Selo-Zok depottab 50 mg');
    await expect(summary).toContainText('Levaxin tab 50 mikrog');
    await expect(summary).toContainText('Fornying med endring');
    await expect(summary).toContainText('5 linjer i den lokale listen oppdateres'); // Furix, Selo-Zok, Losec, Ibux, Levaxin
    await axe(page, 'send summary');
    await screenshot(page, 'reconcile-send-summary');
    await page.getByRole('button', { name: 'Signer og send' }).click();
    await expect(page.getByTestId('confirm-send')).toBeFocused();
    await page.keyboard.press('Enter');
    const results = page.getByTestId('send-results');
    await expect(results).toContainText('Selo-Zok depottab 50 mg: Registrert');
    await expect(results).toContainText('Ny PLL er registrert');
    await axe(page, 'send results');
    await screenshot(page, 'reconcile-send-results');

    // The broker holds the new state
    const after = await brokerRead(page);
    const seloZok = after.prescriptions.filter((p) => p.medicine.name.startsWith('Selo-Zok'));
    expect(seloZok.some((p) => p.status === 'E' && p.dosage.text === '1 tablett morgen')).toBe(true);
    expect(seloZok.some((p) => p.status === 'T' && p.recall?.reason === '3')).toBe(true);
    const levaxin = after.prescriptions.filter((p) => p.medicine.name.startsWith('Levaxin'));
    expect(levaxin.some((p) => p.status === 'T' && p.recall?.reason === '1')).toBe(true);
    const pllSelo = after.pll.find((e) => e.medicine.name.startsWith('Selo-Zok') && !e.discontinued);
    expect(pllSelo?.dosage.text).toBe('1 tablett morgen');
    expect(after.pll.find((e) => e.medicine.name.startsWith('Losec') && !e.discontinued)).toBeTruthy();

    // Back on the workspace: a fresh read, the local list updated, Selo-Zok now in sync
    await page.getByRole('button', { name: 'Ferdig' }).click();
    await expect(row(page, 'Selo-Zok depottab 50 mg').getByTestId('row-status')).toHaveText('Samstemt');
    await expect(page.getByTestId('group-only-one-source')).toHaveCount(0);
    // the local list now says what was decided: Ibux and Furix stopped, Losec taken in
    await expect(row(page, 'Ibux tab 400 mg')).toHaveAttribute('data-status', 'discontinued');
    await expect(row(page, 'Furix tab 40 mg')).toHaveAttribute('data-status', 'discontinued');
    await expect(row(page, 'Losec MUPS enterotab 20 mg').getByTestId('row-status')).toHaveText('Samstemt');
    await screenshot(page, 'reconcile-after-send');

    // History: the PLL before and after the send, with what changed
    const history = page.getByTestId('pll-history');
    await history.locator('summary').click();
    await expect(history.getByTestId('pll-version')).toHaveCount(2);
    await expect(history.getByTestId('pll-version').first()).toContainText(/Endret: Selo-Zok depottab 50 mg av Kristin Berg/);
    await expect(history.getByTestId('pll-version').first()).toContainText('→ «1 tablett morgen»');
    await axe(page, 'history');
    await history.screenshot({ path: 'e2e/screenshots/reconcile-history.png' });

    // Print: on paper only the list by time of day
    await page.emulateMedia({ media: 'print' });
    const sheet = page.getByTestId('print-sheet');
    await expect(sheet).toBeVisible();
    await expect(page.getByTestId('workspace').getByTestId('send-bar')).toBeHidden();
    await expect(sheet.locator('section').filter({ has: page.getByRole('heading', { name: 'Morgen', exact: true }) })).toContainText('Selo-Zok depottab 50 mg');
    await expect(sheet.locator('section').filter({ has: page.getByRole('heading', { name: 'Ved behov', exact: true }) })).toContainText('Paracet');
    await expect(sheet).not.toContainText('Ibux');
    await expect(sheet).toContainText('CAVE: Penicillin');
    await screenshot(page, 'reconcile-print');
    await page.emulateMedia({ media: 'screen' });
    await expect(sheet).toBeHidden();
    // no CSP violation, no React error along the way
    expect(consoleErrors).toEqual([]);
  });

  test('prescribe from FEST: typo-tolerant search, package, Kortdose, findings before adding, then send', async ({ page }) => {
    await openShowcase(page, '47068530187', /Tomasz Nowak/);
    await page.getByTestId('workspace').getByRole('heading', { name: 'Sertralin', exact: false }).first().waitFor();
    // N jumps to the search from the rows
    await row(page, (await page.getByTestId('reconcile-row').first().getByRole('heading').textContent())!).focus();
    await page.keyboard.press('n');
    const search = page.getByRole('combobox', { name: /Søk etter legemiddel/ });
    await expect(search).toBeFocused();
    await page.keyboard.type('ibuprofn 400'); // typo
    const options = page.getByRole('option');
    await expect(options.first()).toContainText(/Ibu/);
    await expect(options.filter({ hasText: 'Ibux tab 400 mg' })).toHaveCount(1);
    await screenshot(page, 'reconcile-prescribe-search');
    await axe(page, 'prescribe search');
    // arrow down to Ibux tab 400 mg and take it with Enter
    const names = await options.allTextContents();
    const at = names.findIndex((n) => n.startsWith('Ibux tab 400 mg'));
    for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const chosen = page.getByTestId('prescribe-chosen');
    await expect(chosen).toContainText('Ibux tab 400 mg');
    // The findings are there before it is added: sertraline + NSAID
    await expect(page.getByTestId('prescribe-findings')).toContainText(/Forholdsregler bør tas: .*Sertralin.*Ibux|Ibux.*Sertralin/);
    await chosen.getByLabel('Pakning').selectOption({ index: 1 });
    await chosen.getByRole('textbox', { name: /Kortdose/ }).fill('1+1+1');
    await expect(chosen.getByTestId('dose-preview')).toContainText('1 tablett');
    await axe(page, 'prescribe chosen');
    await screenshot(page, 'reconcile-prescribe-chosen');
    await chosen.getByRole('button', { name: 'Legg til forskrivning' }).click();
    await expect(page.getByTestId('new-lines')).toContainText('Ibux tab 400 mg');
    // the new line keeps its finding on the workspace
    await expect(page.getByTestId('new-line').getByTestId('finding')).toContainText('Sertralin');

    // Sertralin dose differs: keep the national dose, then send
    const sertralin = page.getByTestId('reconcile-row').filter({ hasText: 'Sertralin' }).first();
    await sertralin.focus();
    await page.keyboard.press('b');
    await expect(page.getByTestId('send-button')).toBeEnabled();
    await page.getByTestId('send-button').click();
    await expect(page.getByTestId('send-summary')).toContainText('Ibux tab 400 mg');
    await page.getByRole('button', { name: 'Signer og send' }).click();
    await page.getByTestId('confirm-send').click();
    await expect(page.getByTestId('send-results')).toContainText('Ibux tab 400 mg: Registrert');
    const after = await brokerRead(page, '47068530187', 'urn:oid:2.16.578.1.12.4.1.4.2'); // D-nummer
    const ibux = after.prescriptions.find((p) => p.medicine.name === 'Ibux tab 400 mg');
    expect(ibux?.status).toBe('E');
    expect(ibux?.dosage.shortCode).toBe('1+1+1');
  });

  test('a lost answer is sent again with the same Idempotency-Key and is not registered twice', async ({ page }) => {
    await openShowcase(page, '02073918149', /Olav Bakken/);
    for (const name of ['Cordarone', 'Klacid']) {
      const r = page.getByTestId('reconcile-row').filter({ hasText: name }).first();
      await r.focus();
      await page.keyboard.press('t');
      await expect(r.getByTestId('decision-state')).toContainText('Tas inn i lokal liste');
    }
    await expect(page.getByTestId('send-button')).toBeEnabled();
    await page.getByTestId('send-button').click();
    await page.getByRole('button', { name: 'Signer og send' }).click();
    const keys: string[] = [];
    // The broker gets and applies the first send, but its answer never reaches the app.
    await page.route('**/fhir/Patient/$sendMedication', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      await route.fetch();
      await route.abort('connectionreset');
    }, { times: 1 });
    await page.getByTestId('confirm-send').click();
    await expect(page.getByTestId('send-lost')).toContainText('Svaret kom ikke fram');
    await axe(page, 'lost answer');
    await screenshot(page, 'reconcile-send-lost');
    const replay = page.waitForResponse('**/fhir/Patient/$sendMedication');
    await page.getByRole('button', { name: 'Send samme sending på nytt' }).click();
    const res = await replay;
    expect(res.request().headers()['idempotency-key']).toBe(keys[0]);
    expect(res.headers()['idempotent-replayed']).toBe('true');
    await expect(page.getByTestId('send-results')).toContainText('Ny PLL er registrert');
  });

  test('409: someone else sent first; the app reads again, shows what changed and by whom, keeps what still applies', async ({ browser }) => {
    const EMIL = '11099543177';
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext();
    const a = await ctxA.newPage();
    const b = await ctxB.newPage();
    await openShowcase(a, EMIL, /Emil Strand/);
    await openShowcase(b, EMIL, /Emil Strand/);
    const decideAll = async (page: Page, keys: Record<string, string>) => {
      for (const [name, key] of Object.entries(keys)) {
        const r = page.getByTestId('reconcile-row').filter({ hasText: name }).first();
        await r.focus();
        await page.keyboard.press(key);
        await expect(r.getByTestId('decision-state')).not.toContainText(/Krever stilling|Ikke avgjort/);
      }
    };
    // A: keeps Paracet (only local), takes Ibux in, renews Ventoline.
    await decideAll(a, { Paracet: 'b', Ibux: 't', Ventoline: 'f' });
    await expect(a.getByTestId('send-button')).toBeEnabled();
    // B renews Ventoline and sends first.
    await decideAll(b, { Paracet: 'b', Ibux: 't', Ventoline: 'f' });
    await b.getByTestId('send-button').click();
    await b.getByRole('button', { name: 'Signer og send' }).click();
    await b.getByTestId('confirm-send').click();
    await expect(b.getByTestId('send-results')).toContainText('Registrert');

    await a.getByTestId('send-button').click();
    await a.getByRole('button', { name: 'Signer og send' }).click();
    await a.getByTestId('confirm-send').click();
    const conflict = a.getByTestId('send-conflict');
    await expect(conflict).toContainText('Listen er endret siden du hentet den');
    await expect(a.getByTestId('conflict-changes')).toContainText(/Ny resept: Ventoline.* av Kristin Berg/);
    await expect(a.getByTestId('conflict-changes')).toContainText(/Tilbakekalt: Ventoline/);
    await expect(conflict).toContainText('2 beslutninger gjelder fortsatt og er beholdt. 1 må tas stilling til på nytt.');
    await axe(a, 'conflict');
    await screenshot(a, 'reconcile-conflict');
    await a.getByRole('button', { name: /Gå til samstemmingen/ }).click();
    await expect(a.getByTestId('workspace')).toBeVisible();
    // focus is back on a row, so the keyboard flow goes on
    await expect(a.getByTestId('reconcile-row').filter({ hasText: 'Ventoline' })).toBeFocused();
    await expect(a.getByTestId('reconcile-row').filter({ hasText: 'Paracet' }).getByTestId('decision-state')).toContainText('Beholdes');
    await expect(a.getByTestId('reconcile-row').filter({ hasText: 'Ventoline' }).getByTestId('decision-state')).not.toContainText('Fornyes');
    await screenshot(a, 'reconcile-after-conflict');
    await ctxA.close();
    await ctxB.close();
  });
});
