import { describe, expect, it, vi } from 'vitest';
import { ALLOWED_IPC_CHANNELS, type AppInfo } from '../shared/ipc';
import { IpcSenderRejected, registerIpcHandlers, validateSender, type IpcHandlers, type IpcMainLike, type SenderEvent } from './ipc';

type Listener = (event: SenderEvent, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipc: IpcMainLike<SenderEvent> = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`duplicate ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => {
      handlers.delete(channel);
    },
  };
  return { ipc, handlers };
}

const appFrame = (url = 'app://samstem/index.html'): SenderEvent => ({ senderFrame: { url, parent: null } });
const info: AppInfo = { brokerUrl: 'http://127.0.0.1:4000', version: '0.1.0', platform: 'linux' };

function handlers(): IpcHandlers<SenderEvent> {
  return {
    'app:info': vi.fn(() => info),
    'safe-storage:get-key': vi.fn(async () => ({ keyBase64: 'AAAA', protection: 'os' as const })),
    'print:pdf': vi.fn(async () => ({ status: 'cancelled' as const })),
  };
}

describe('validateSender', () => {
  it('accepts the top frame of our app', () => {
    expect(validateSender(appFrame())).toBe(true);
    expect(validateSender(appFrame('app://samstem/pasient/1?x=1'))).toBe(true);
  });

  it('refuses a destroyed frame, an iframe and any other origin', () => {
    expect(validateSender({ senderFrame: null })).toBe(false);
    expect(validateSender({ senderFrame: { url: 'app://samstem/index.html', parent: {} } })).toBe(false);
    for (const url of ['https://evil.example/', 'http://127.0.0.1:4000/', 'file:///index.html', 'app://other/', 'about:blank', '']) {
      expect(validateSender(appFrame(url)), url).toBe(false);
    }
  });
});

describe('registerIpcHandlers', () => {
  it('registers exactly the allow-listed channels', () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    registerIpcHandlers(ipc, handlers());
    expect([...registered.keys()].sort()).toEqual([...ALLOWED_IPC_CHANNELS].sort());
    expect([...registered.keys()].sort()).toEqual(['app:info', 'print:pdf', 'safe-storage:get-key']);
  });

  it('answers a call from the app', async () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    registerIpcHandlers(ipc, handlers());
    await expect(registered.get('app:info')!(appFrame())).resolves.toEqual(info);
  });

  it('passes the single argument through to the handler', async () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    const h = handlers();
    registerIpcHandlers(ipc, h);
    const event = appFrame();
    await registered.get('print:pdf')!(event, { suggestedFileName: 'x' });
    expect(h['print:pdf']).toHaveBeenCalledWith(event, { suggestedFileName: 'x' });
  });

  it('refuses a foreign sender before the handler runs', async () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    const h = handlers();
    registerIpcHandlers(ipc, h);
    await expect(registered.get('safe-storage:get-key')!(appFrame('https://evil.example/'))).rejects.toBeInstanceOf(IpcSenderRejected);
    await expect(registered.get('safe-storage:get-key')!({ senderFrame: null })).rejects.toThrow(/not the Samstem app/);
    expect(h['safe-storage:get-key']).not.toHaveBeenCalled();
  });

  it('refuses extra arguments', async () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    registerIpcHandlers(ipc, handlers());
    await expect(registered.get('print:pdf')!(appFrame(), {}, 'extra')).rejects.toThrow(/at most one argument/);
  });

  it('unregisters every channel', () => {
    const { ipc, handlers: registered } = fakeIpcMain();
    const off = registerIpcHandlers(ipc, handlers());
    off();
    expect(registered.size).toBe(0);
  });
});
