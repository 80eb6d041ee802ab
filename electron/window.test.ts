import { describe, expect, it, vi } from 'vitest';
import { createWebPreferences } from './security';

const created: { options: Record<string, unknown>; url?: string }[] = [];
vi.mock('electron', () => ({
  BrowserWindow: class {
    record: { options: Record<string, unknown>; url?: string };
    constructor(options: Record<string, unknown>) {
      this.record = { options };
      created.push(this.record);
    }
    once() {}
    async loadURL(url: string) {
      this.record.url = url;
    }
  },
}));

describe('createMainWindow', () => {
  it('uses exactly the webPreferences of the security policy and loads the app origin', async () => {
    const { createMainWindow } = await import('./window');
    createMainWindow('/x/dist-electron/preload.cjs');
    expect(created).toHaveLength(1);
    expect(created[0]!.options.webPreferences).toEqual(createWebPreferences('/x/dist-electron/preload.cjs'));
    expect(created[0]!.options.title).toBe('Samstem');
    expect(created[0]!.options.show).toBe(false);
    expect(created[0]!.url).toBe('app://samstem/index.html');
  });
});
