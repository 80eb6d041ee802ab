// electron-builder.yml, checked by electron-builder's own loader and schema (app-builder-lib is
// electron-builder's library, already installed with it), plus the promises the app relies on.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  /** getConfig normalises the list into file sets: `[{ filter: [...] }]`. */
  files: (string | { filter?: string[] })[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  icon: string;
  linux: { target: string[]; category: string; maintainer: string; icon: string };
  win: { target: string[]; icon: string };
}

type GetConfig = (projectDir: string, configPath: string, fromOptions: null) => Promise<BuilderConfig>;
type Validate = (config: BuilderConfig, logger: unknown) => Promise<void>;

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as { getConfig: GetConfig; validateConfiguration: Validate };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

let config: BuilderConfig;
beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

/** electron-builder's `files` semantics, simplified: included when a positive pattern matches and no `!` pattern does. */
function packed(file: string): boolean {
  const patterns = config.files.flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
  const positive = patterns.filter((p) => !p.startsWith('!'));
  const negative = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return positive.some((p) => path.posix.matchesGlob(file, p)) && !negative.some((p) => path.posix.matchesGlob(file, p));
}

describe('electron-builder.yml', () => {
  // Validation normalises the object it checks, so each check gets its own fresh copy.
  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the schema check does reject a wrong configuration', async () => {
    const wrong = { ...structuredClone(config), linux: { ...config.linux, targets: ['AppImage'] } } as unknown as BuilderConfig;
    await expect(validateConfiguration(wrong, new DebugLogger(false))).rejects.toThrow(/does not match the API schema[\s\S]*configuration\.linux/);
  });

  it('names the app and writes installers to release/', () => {
    expect(config.appId).toBe('no.samstem.app');
    expect(config.productName).toBe('Samstem');
    expect(config.directories.output).toBe('release');
  });

  it('packs what the app loads at runtime, and no source maps', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    for (const file of [
      'package.json',
      pkg.main,
      'dist-electron/main.cjs',
      'dist-electron/preload.cjs',
      'dist-electron/broker.cjs',
      'dist-electron/migrations/001_init.sql',
      'renderer/dist/index.html',
      'renderer/dist/assets/index-abc.js',
      'node_modules/better-sqlite3/lib/index.js',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/bindings/bindings.js',
      'node_modules/file-uri-to-path/index.js',
    ]) {
      expect(packed(file), file).toBe(true);
    }
    expect(packed('dist-electron/main.cjs.map')).toBe(false);
    expect(packed('electron/main.ts')).toBe(false);
    expect(packed('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
  });

  it('rebuilds the native module for Electron and unpacks it from the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack.some((p) => path.posix.matchesGlob('node_modules/better-sqlite3/build/Release/better_sqlite3.node', p))).toBe(true);
  });

  it('turns off ELECTRON_RUN_AS_NODE (the broker uses a utility process) and file:// privileges', () => {
    expect(config.electronFuses.runAsNode).toBe(false);
    expect(config.electronFuses.grantFileProtocolExtraPrivileges).toBe(false);
    expect(config.electronFuses.enableNodeOptionsEnvironmentVariable).toBe(false);
  });

  it('builds AppImage and deb for Linux (Medical) and NSIS for Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Medical');
    expect(config.linux.maintainer).toMatch(/<[^@\s]+@[^>\s]+>/);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('points at a 512×512 PNG icon that exists', () => {
    for (const icon of new Set([config.icon, config.linux.icon, config.win.icon])) {
      const file = path.join(root, icon);
      expect(existsSync(file), icon).toBe(true);
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    }
  });
});
