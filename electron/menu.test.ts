import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from './menu';

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}

describe('buildMenuTemplate', () => {
  it('offers copy and paste and quit, in Norwegian', () => {
    const t = buildMenuTemplate({ platform: 'linux', isDev: false, appName: 'Samstem' });
    expect(roles(t)).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'undo', 'selectAll']));
    expect(t.map((i) => i.label)).toEqual(['Fil', 'Rediger', 'Vis', 'Vindu']);
  });

  it('has no developer tools or reload in a packaged build', () => {
    const r = roles(buildMenuTemplate({ platform: 'win32', isDev: false, appName: 'Samstem' }));
    expect(r).not.toContain('toggleDevTools');
    expect(r).not.toContain('reload');
    expect(roles(buildMenuTemplate({ platform: 'win32', isDev: true, appName: 'Samstem' }))).toContain('toggleDevTools');
  });

  it('uses the app menu on macOS', () => {
    const t = buildMenuTemplate({ platform: 'darwin', isDev: false, appName: 'Samstem' });
    expect(t[0]!.label).toBe('Samstem');
    expect(roles([t[0]!])).toContain('quit');
  });
});
