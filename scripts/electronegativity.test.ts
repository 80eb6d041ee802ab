// Proves the security gate of `npm test` bites: a window without isolation, or a suppression
// without a reason, fails it; the real electron/ folder passes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;

function gate(input?: string) {
  const r = spawnSync(process.execPath, ['scripts/electronegativity.mjs', ...(input ? ['--input', input] : [])], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-eng-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case runs the real scanner (several seconds); generous timeouts for a loaded machine.
describe('scripts/electronegativity.mjs', { timeout: 120_000 }, () => {
  it('passes on electron/', () => {
    const r = gate();
    expect(r.out).toContain('electronegativity: passed');
    expect(r.code).toBe(0);
  });

  it('fails on a window without context isolation and sandbox', () => {
    const sub = path.join(dir, 'bad-window');
    mkdirSync(sub);
    writeFileSync(
      path.join(sub, 'main.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w = () => new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } });\n",
    );
    const r = gate(sub);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/CONTEXT_ISOLATION_JS_CHECK \[HIGH/);
    expect(r.out).toMatch(/SANDBOX_JS_CHECK/);
  });

  it('fails on a suppression that gives no reason', () => {
    const sub = path.join(dir, 'bare-suppression');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'main.ts'), "import { shell } from 'electron';\nexport const o = (u: string) => shell.openExternal(u); // eng-disable OPEN_EXTERNAL_JS_CHECK\n");
    const r = gate(sub);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/suppression of OPEN_EXTERNAL_JS_CHECK without a reviewed reason/);
  });
});
