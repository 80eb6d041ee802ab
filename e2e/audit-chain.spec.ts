// Issue 7: the local audit log is a hash chain that a check can verify. After a journey it verifies;
// after one stored entry is altered in IndexedDB (as someone with access to the disk could), it does
// not, and the user is told loudly. Real app, real broker, Chromium's own IndexedDB.
import { expect, test } from '@playwright/test';
import { appUrl, axe, screenshot } from './helpers';

const SHOWCASE = '14034827061';

test('the audit chain verifies after a journey, and fails to verify after one entry is altered', async ({ page }) => {
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(SHOWCASE);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));

  const panel = page.getByTestId('audit-log-panel');
  await panel.locator('summary').click();
  await panel.getByRole('button', { name: 'Kontroller revisjonsloggen' }).click();
  const status = page.getByTestId('audit-chain-status');
  await expect(status).toHaveText(/^Revisjonsloggen er hel: \d+ oppføringer, kjeden stemmer/);
  // The user's own entries, readable: the patient open and the print, with the identity number.
  const table = panel.getByRole('table');
  await expect(table.getByRole('row').filter({ hasText: 'Åpnet pasient' }).first()).toContainText('140348 27061');
  await expect(table.getByRole('row').filter({ hasText: 'Skrev ut' }).first()).toContainText('140348 27061');
  await axe(page, 'audit log');
  await screenshot(page, 'audit-chain-intact');

  // Someone edits the time of the first stored entry directly in IndexedDB.
  const altered = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('samstem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('audit', 'readwrite');
          const store = tx.objectStore('audit');
          const cursor = store.openCursor();
          cursor.onsuccess = () => {
            const c = cursor.result;
            if (!c) return reject(new Error('no audit entries'));
            const row = c.value as { seq: number; at: string };
            c.update({ ...row, at: new Date(Date.parse(row.at) - 3_600_000).toISOString() });
            tx.oncomplete = () => {
              db.close();
              resolve(row.seq);
            };
          };
        };
      }),
  );
  await panel.getByRole('button', { name: 'Kontroller revisjonsloggen' }).click();
  await expect(status).toContainText(`Revisjonsloggen er brutt ved oppføring nr. ${altered}: Innholdet i oppføringen er endret etter at den ble skrevet.`);

  // At the next sign-in the check runs by itself and says so on screen.
  await page.getByRole('button', { name: 'Logg ut' }).first().click();
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  await expect(page.getByTestId('audit-chain-broken-alert')).toContainText(`brutt ved oppføring nr. ${altered}`);
  // The altered entry no longer decrypts; the app goes on (recent patients leave it out) instead of a blank page.
  await expect(page.getByLabel('Fødselsnummer eller D-nummer')).toBeVisible();
  await screenshot(page, 'audit-chain-broken');
});
