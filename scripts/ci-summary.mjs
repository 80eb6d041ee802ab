#!/usr/bin/env node
// Reads the output of `npm test` and prints one closing line with the unit (vitest) and e2e
// (Playwright) counts: "ci: N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
// Strips the ANSI colour codes vitest prints.
const text = readFileSync(file, 'utf8').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
const count = (re) => {
  const m = re.exec(text);
  return m ? Number(m[1]) : 0;
};
// vitest: "      Tests  635 passed | 2 skipped (637)" or "Tests  3 failed | 632 passed (635)"
const vitestLine = /^\s*Tests\s+(.*)\(\d+\)\s*$/m.exec(text)?.[1] ?? '';
const v = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(vitestLine)?.[1] ?? 0);
const unit = { passed: v('passed'), failed: v('failed'), skipped: v('skipped') };
// Playwright list reporter: "  4 passed (9.9s)", "  1 skipped", "  2 failed"
const e2e = {
  passed: count(/^\s+(\d+) passed \(/m),
  failed: count(/^\s+(\d+) failed\s*$/m),
  skipped: count(/^\s+(\d+) skipped\s*$/m),
};
console.log(`\nunit (vitest): ${unit.passed} passed, ${unit.failed} failed, ${unit.skipped} skipped`);
console.log(`e2e (Playwright): ${e2e.passed} passed, ${e2e.failed} failed, ${e2e.skipped} skipped`);
const failed = unit.failed + e2e.failed + (status !== '0' && unit.failed + e2e.failed === 0 ? 1 : 0);
console.log(`ci: ${unit.passed + e2e.passed} passed, ${failed} failed, ${unit.skipped + e2e.skipped} skipped`);
