import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { genFest, importFest, readImportedCatalogue, runFestCommand, type CliIo } from './fest';

const dir = mkdtempSync(path.join(os.tmpdir(), 'samstem-cli-fest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function capture(): CliIo & { outText: () => string; errText: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

describe('samstem gen-fest / import-fest', () => {
  const fest = path.join(dir, 'fest-small.xml');
  const data = path.join(dir, 'data');
  const stored = path.join(data, 'fest.json');

  it('generates a small file and imports it, printing counts per catalogue', async () => {
    const g = capture();
    expect(await genFest(['--scale', 'small', '--out', fest, '--seed', '3'], g)).toBe(0);
    expect(g.outText()).toMatch(/legemidler: 600, pakninger: 720, virkestoff: 560, interaksjoner: 700/);
    const io = capture();
    expect(await importFest([fest, '--data', data], io)).toBe(0);
    expect(io.outText()).toMatch(/legemidler \(merkevare \+ virkestoff\): 600/);
    expect(io.outText()).toMatch(/interaksjoner: 700/);
    expect(readImportedCatalogue(data)?.meta.counts).toEqual({ products: 600, packages: 720, substances: 560, interactions: 700 });
  });

  it('refuses a truncated file with exit 2 and leaves the earlier catalogue byte-identical', async () => {
    const before = readFileSync(stored);
    const xml = readFileSync(fest, 'utf8');
    const truncated = path.join(dir, 'truncated.xml');
    writeFileSync(truncated, xml.slice(0, Math.floor(xml.length * 0.6)));
    const io = capture();
    expect(await importFest([truncated, '--data', data], io)).toBe(2);
    expect(io.errText()).toMatch(/Ugyldig FEST-fil: .*truncated\.xml, linje \d+, kolonne \d+/);
    expect(io.errText()).toMatch(/forrige katalogen er beholdt/);
    expect(readFileSync(stored).equals(before)).toBe(true);
    expect(readdirSync(data)).toEqual(['fest.json']);
  });

  it('refuses garbage, a missing file and bad options with exit 2', async () => {
    const garbage = path.join(dir, 'garbage.xml');
    writeFileSync(garbage, Buffer.from([0x3c, 0x46, 0x45, 0x53, 0x54, 0x3e, 0xff, 0xfe, 0x00, 0x41]));
    const before = readFileSync(stored);
    const io = capture();
    expect(await importFest([garbage, '--data', data], io)).toBe(2);
    expect(io.errText()).toMatch(/Ugyldig FEST-fil/);
    expect(await importFest([path.join(dir, 'nope.xml'), '--data', data], capture())).toBe(2);
    expect(await importFest([], capture())).toBe(2);
    expect(await genFest(['--scale', 'huge', '--out', path.join(dir, 'x.xml')], capture())).toBe(2);
    expect(await genFest(['--scale', 'small'], capture())).toBe(2);
    expect(await genFest(['--bogus', '1'], capture())).toBe(2);
    expect(existsSync(path.join(dir, 'x.xml'))).toBe(false);
    expect(readFileSync(stored).equals(before)).toBe(true);
  });

  it('gen-fest --scale small gives the same bytes for the same seed', async () => {
    const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    const a = path.join(dir, 'seed-a.xml');
    const b = path.join(dir, 'seed-b.xml');
    expect(await genFest(['--scale', 'small', '--seed', '42', '--out', a], capture())).toBe(0);
    expect(await genFest(['--scale=small', '--seed=42', `--out=${b}`], capture())).toBe(0);
    expect(hash(a)).toBe(hash(b));
  });

  it('dispatches through runFestCommand', async () => {
    expect(await runFestCommand('import-fest', ['--data'])).toBe(2);
  });
});
