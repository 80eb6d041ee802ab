import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const appUrl = (): string => {
  const url = process.env.SAMSTEM_URL;
  if (!url) throw new Error('SAMSTEM_URL is not set: e2e/global-setup.ts should have started `npm run web`.');
  return url;
};

/** The reconciliation row of the medicine `name` (matched on its heading, exactly). */
export const row = (page: Page, name: string) => page.getByTestId('reconcile-row').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Saves a full-page screenshot under e2e/screenshots/ (git-ignored) for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.resolve('e2e', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe (wcag2a, wcag2aa) on the page as it is: no violations, or the list of what is wrong. */
export async function axe(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')} – ${v.help}`);
  expect(summary, `axe on ${name}`).toEqual([]);
}
