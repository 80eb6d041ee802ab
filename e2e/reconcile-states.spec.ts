// Issue 6: the states a GP must never miss: the catalogue missing ("Kontrollene kjører ikke"),
// a read older than 4 hours (send blocked, "Hent på nytt"), multidose, and a nurse who only reads.
import { expect, test, type Page } from '@playwright/test';
import { axe, appUrl, screenshot } from './helpers';

async function open(page: Page, user: string, identityNumber: string, name: RegExp) {
  await page.goto(appUrl());
  await page.getByRole('button', { name: user }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(identityNumber);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(name);
}

test.describe('tilstander i samstemmingen', () => {
  test('without the catalogue the checks say plainly that they are not running', async ({ page }) => {
    await page.route(/fest-curated-.*\.js$/, (route) => route.abort('failed'));
    await open(page, 'Kristin Berg', '14034827061', /Ingrid Halvorsen/);
    const status = page.getByTestId('catalogue-status');
    await expect(status).toContainText('Kontrollene kjører ikke');
    await expect(status).toHaveAttribute('role', 'alert');
    // rows are still compared; there is no interaction marker pretending all is well
    await expect(page.getByTestId('group-same')).toContainText('Marevan');
    await expect(page.getByTestId('finding').filter({ hasText: 'Bør unngås' })).toHaveCount(0);
    // sending without the checks takes an explicit choice
    const blockers = page.getByTestId('send-blockers');
    await expect(blockers).toContainText('Kontrollene mot legemiddelkatalogen har ikke kjørt');
    await page.getByTestId('send-unchecked').check();
    await expect(blockers).not.toContainText('Kontrollene mot legemiddelkatalogen');
    await axe(page, 'catalogue missing');
    await screenshot(page, 'reconcile-catalogue-missing');
  });

  test('a read older than 4 hours blocks sending until a fresh read; multidose is shown', async ({ page }) => {
    // The first answer says RF was read 5 hours ago (a laptop that slept); the next one is fresh.
    await page.route(
      '**/fhir/Patient/$getMedication',
      async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { parameter: { name: string; valueDateTime?: string }[] };
        for (const p of body.parameter) if (p.name === 'RFHentetTidspunkt') p.valueDateTime = new Date(Date.now() - 5 * 3600_000).toISOString();
        await route.fulfill({ response: res, json: body });
      },
      { times: 1 },
    );
    await open(page, 'Kristin Berg', '23013106088', /Solveig Johansen/);
    await expect(page.getByTestId('multidose-status')).toHaveText(/Multidose: ja/);
    const stale = page.getByTestId('stale-read');
    await expect(stale).toContainText('eldre enn 4 timer');
    await expect(page.getByTestId('send-button')).toBeDisabled();
    await expect(page.getByTestId('send-blockers')).toContainText(/4 timer/);
    await axe(page, 'stale read');
    await screenshot(page, 'reconcile-stale');
    await stale.getByRole('button', { name: 'Hent på nytt' }).click();
    await expect(page.getByTestId('read-fetched')).toBeVisible();
    await expect(page.getByTestId('stale-read')).toHaveCount(0);
    await expect(page.getByTestId('send-blockers')).not.toContainText(/4 timer/);
  });

  test('a nurse sees the comparison but gets no decision buttons', async ({ page }) => {
    await open(page, 'Sigrid Moen', '23013106088', /Solveig Johansen/);
    await expect(page.getByTestId('group-changed')).toContainText('Paracet');
    await expect(page.getByText('Du har lesetilgang')).toBeVisible();
    await expect(page.locator('[data-action]')).toHaveCount(0);
    await expect(page.getByTestId('send-button')).toHaveCount(0);
    await axe(page, 'nurse');
  });
});
