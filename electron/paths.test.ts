import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundlePaths, userDataPaths } from './paths';

describe('userDataPaths', () => {
  it('keeps every writable file under userData', () => {
    const ud = path.resolve('/home/lege/.config/Samstem');
    const p = userDataPaths(ud);
    for (const file of [p.brokerDb, p.storageKeyFile, p.logsDir]) {
      expect(file.startsWith(ud + path.sep), file).toBe(true);
    }
    expect(path.basename(p.brokerDb)).toMatch(/\.sqlite$/);
  });

  it('refuses a relative userData (it would depend on the working directory)', () => {
    expect(() => userDataPaths('Samstem')).toThrow(/absolute/);
  });
});

describe('bundlePaths', () => {
  it('finds renderer/dist next to dist-electron, inside or outside an asar', () => {
    for (const appDir of [path.resolve('/opt/Samstem/resources/app.asar'), path.resolve('/work/main')]) {
      const p = bundlePaths(path.join(appDir, 'dist-electron'));
      expect(p.rendererDir).toBe(path.join(appDir, 'renderer', 'dist'));
      expect(p.preload).toBe(path.join(appDir, 'dist-electron', 'preload.cjs'));
      expect(p.brokerScript).toBe(path.join(appDir, 'dist-electron', 'broker.cjs'));
    }
  });
});
