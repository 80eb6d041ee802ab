// Issue 7, storage health: local storage that fails stops the app with a screen that says what to
// do (and keeps the work in the window); near the quota the user is warned; a ward user is told when
// the browser will not promise to keep the offline data. The failures are made in the page's own
// IndexedDB (Chromium's), the rest is the real app against the real broker.
import { expect, test, type Page } from '@playwright/test';
import { appUrl, axe, screenshot } from './helpers';

const SHOWCASE = '14034827061';

async function openPatient(page: Page) {
  await page.getByRole('button', { name: 'Kristin Berg' }).click();
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(SHOWCASE);
  await page.getByRole('button', { name: 'Åpne pasient' }).click();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
}

test('a write the disk refuses stops the app with what to do; the work in the window survives "Prøv igjen"', async ({ page }) => {
  // A switch in the page: while on, every IndexedDB put/add fails as a full disk does.
  await page.addInitScript(() => {
    const w = window as unknown as { __failWrites?: boolean };
    for (const op of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[op];
      IDBObjectStore.prototype[op] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (w.__failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      } as IDBObjectStore['put'];
    }
  });
  await page.goto(appUrl());
  await openPatient(page);
  await page.getByTestId('reconcile-row').filter({ hasText: 'Losec' }).first().focus();
  await page.keyboard.press('b');
  await expect(page.getByTestId('reconcile-row').filter({ hasText: 'Losec' }).first().getByTestId('decision-state')).not.toContainText(/Krever stilling|Ikke avgjort/);

  await page.evaluate(() => ((window as unknown as { __failWrites?: boolean }).__failWrites = true));
  // The browser's print (Ctrl+P) is logged in the local audit: that write fails.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const stopped = page.getByTestId('storage-stopped');
  await expect(stopped).toBeVisible();
  await expect(stopped.getByRole('heading', { level: 1 })).toHaveText('Lokal lagring virker ikke — Samstem har stoppet');
  await expect(stopped).toContainText('Disken eller lagringskvoten er full.');
  await expect(stopped).toContainText('Frigjør plass på maskinen');
  await expect(page.getByTestId('storage-technical')).toContainText('QuotaExceededError');
  // Nothing of the patient is on screen or reachable while stopped.
  await expect(page.getByTestId('patient-name')).toBeHidden();
  await axe(page, 'storage stopped');
  await screenshot(page, 'storage-stopped');

  // Still failing: the retry says so and the app stays stopped.
  await page.getByRole('button', { name: 'Prøv igjen' }).click();
  await expect(stopped).toBeVisible();

  // Space freed: the retry brings the window back as it was, the decision still there.
  await page.evaluate(() => ((window as unknown as { __failWrites?: boolean }).__failWrites = false));
  await page.getByRole('button', { name: 'Prøv igjen' }).click();
  await expect(stopped).toBeHidden();
  await expect(page.getByTestId('patient-name')).toHaveText(/Ingrid Halvorsen/);
  await expect(page.getByTestId('reconcile-row').filter({ hasText: 'Losec' }).first().getByTestId('decision-state')).not.toContainText(/Krever stilling|Ikke avgjort/);
});

test('near the quota the user is warned; a ward user is told the offline data may be evicted', async ({ page }) => {
  await page.addInitScript(() => {
    const storage = navigator.storage;
    storage.estimate = async () => ({ usage: 91 * 1024 * 1024, quota: 100 * 1024 * 1024 });
    storage.persisted = async () => false;
    storage.persist = async () => false;
  });
  await page.goto(appUrl());
  await page.getByRole('button', { name: 'Sigrid Moen' }).click();
  await expect(page.getByTestId('ward-panel')).toBeVisible();
  await expect(page.getByTestId('storage-quota')).toHaveText(/nesten full \(91 % brukt\)/);
  await expect(page.getByTestId('storage-not-persistent')).toContainText('kan den slette det som er lastet ned for frakoblet bruk');
  await axe(page, 'storage warnings');
  await screenshot(page, 'storage-warnings');
});

test('when IndexedDB cannot open, the app stops with what to do instead of running in memory', async ({ page }) => {
  await page.addInitScript(() => {
    IDBFactory.prototype.open = function () {
      throw new DOMException('Internal error opening backing store for indexedDB.open.', 'UnknownError');
    };
  });
  await page.goto(appUrl());
  // Nothing starts: no user choice, no patient search, a screen that says what to do.
  const failed = page.getByRole('alert');
  await expect(failed.getByRole('heading', { level: 1 })).toHaveText('Samstem kunne ikke starte');
  await expect(failed).toContainText('Den lokale lagringen (legemiddellisten og utboksen) kunne ikke åpnes.');
  await expect(page.getByTestId('startup-what-to-do')).toContainText('Lukk andre Samstem-vinduer og start Samstem på nytt.');
  await expect(failed).toContainText('UnknownError');
  await expect(page.getByRole('button', { name: 'Kristin Berg' })).toHaveCount(0);
  await expect(page.getByLabel('Fødselsnummer eller D-nummer')).toHaveCount(0);
  await axe(page, 'storage open failed');
  await screenshot(page, 'storage-open-failed');
});
