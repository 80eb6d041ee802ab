import { afterEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../shared/ipc';
import { createBridge, type Subscribe } from './bridge';

const FUNCTIONS = ['getAppInfo', 'getStorageKey', 'onOsLock', 'printToPdf'];

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

  it('exposes only the bridge functions, frozen', () => {
    const bridge = createBridge(vi.fn());
    expect(Object.keys(bridge).sort()).toEqual(FUNCTIONS);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('onOsLock listens on session:os-lock only, passes on well-formed payloads only, and unsubscribes', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const off = vi.fn();
    const subscribe: Subscribe = (channel, listener) => {
      listeners.set(channel, listener);
      return off;
    };
    const bridge = createBridge(vi.fn(), subscribe);
    const heard = vi.fn();
    const unsubscribe = bridge.onOsLock(heard);
    expect([...listeners.keys()]).toEqual(['session:os-lock']);
    const emit = listeners.get('session:os-lock')!;
    emit({ reason: 'lock-screen' });
    emit({ reason: 'reboot' });
    emit('lock-screen');
    emit(undefined);
    emit({ reason: 'suspend' });
    expect(heard.mock.calls).toEqual([[{ reason: 'lock-screen' }], [{ reason: 'suspend' }]]);
    unsubscribe();
    expect(off).toHaveBeenCalledTimes(1);
    expect(() => bridge.onOsLock('x' as unknown as () => void)).toThrow(TypeError);
  });
});

const exposeInMainWorld = vi.fn();
const invoke = vi.fn(async () => 'answer');
const on = vi.fn();
const removeListener = vi.fn();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (...a: unknown[]) => exposeInMainWorld(...a) },
  ipcRenderer: {
    invoke: (...a: unknown[]) => (invoke as (...x: unknown[]) => unknown)(...a),
    send: vi.fn(),
    on: (...a: unknown[]) => (on as (...x: unknown[]) => unknown)(...a),
    removeListener: (...a: unknown[]) => (removeListener as (...x: unknown[]) => unknown)(...a),
  },
}));

describe('preload', () => {
  afterEach(() => vi.resetModules());

  it('exposes window.samstem with the bridge functions and nothing of ipcRenderer', async () => {
    await import('./preload');
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('samstem');
    expect(Object.keys(api).sort()).toEqual(FUNCTIONS);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    await (api.getAppInfo as () => Promise<unknown>)();
    expect(invoke).toHaveBeenCalledWith('app:info');
  });

  it('onOsLock hands the page the payload, never the IPC event (which holds ipcRenderer)', async () => {
    exposeInMainWorld.mockClear();
    on.mockClear();
    await import('./preload');
    const api = exposeInMainWorld.mock.calls[0]![1] as { onOsLock: (l: (e: unknown) => void) => () => void };
    const heard = vi.fn();
    const unsubscribe = api.onOsLock(heard);
    expect(on).toHaveBeenCalledTimes(1);
    const [channel, wrapped] = on.mock.calls[0] as [string, (event: unknown, payload: unknown) => void];
    expect(channel).toBe('session:os-lock');
    const ipcEvent = { sender: { invoke, send: vi.fn() }, ports: [] };
    wrapped(ipcEvent, { reason: 'lock-screen' });
    expect(heard).toHaveBeenCalledWith({ reason: 'lock-screen' });
    expect(heard.mock.calls[0]).toHaveLength(1);
    unsubscribe();
    expect(removeListener).toHaveBeenCalledWith('session:os-lock', wrapped);
  });
});
