import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../shared/ipc';
import { createBridge } from './bridge';

describe('createBridge', () => {
  it('maps each function to its allow-listed channel', async () => {
    const invoke = vi.fn(async (channel: string) => ({ channel }));
    const bridge = createBridge(invoke);
    await bridge.getAppInfo();
    await bridge.getStorageKey();
    await bridge.printToPdf({ suggestedFileName: 'liste.pdf' });
    await bridge.printToPdf();
    expect(invoke.mock.calls).toEqual([
      [IPC_CHANNELS.appInfo],
      [IPC_CHANNELS.storageKey],
      [IPC_CHANNELS.printPdf, { suggestedFileName: 'liste.pdf' }],
      [IPC_CHANNELS.printPdf],
    ]);
  });

  it('exposes only the three functions, frozen', () => {
    const bridge = createBridge(vi.fn());
    expect(Object.keys(bridge).sort()).toEqual(['getAppInfo', 'getStorageKey', 'printToPdf']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });
});

const exposeInMainWorld = vi.fn();
const invoke = vi.fn(async () => 'answer');
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (...a: unknown[]) => exposeInMainWorld(...a) },
  ipcRenderer: { invoke: (...a: unknown[]) => (invoke as (...x: unknown[]) => unknown)(...a), send: vi.fn(), on: vi.fn() },
}));

describe('preload', () => {
  afterEach(() => vi.resetModules());

  it('exposes window.samstem with the bridge functions and nothing of ipcRenderer', async () => {
    await import('./preload');
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('samstem');
    expect(Object.keys(api).sort()).toEqual(['getAppInfo', 'getStorageKey', 'printToPdf']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    await (api.getAppInfo as () => Promise<unknown>)();
    expect(invoke).toHaveBeenCalledWith('app:info');
  });
});
