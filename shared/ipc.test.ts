import { describe, expect, it } from 'vitest';
import { ALLOWED_IPC_CHANNELS, ALLOWED_IPC_EVENTS, APP_ORIGIN, IPC_CHANNELS, isIpcChannel, isIpcEventChannel, parseOsLockEvent, parsePrintPdfRequest } from './ipc';

describe('IPC contract', () => {
  it('lists exactly the three channels the app uses', () => {
    expect([...ALLOWED_IPC_CHANNELS].sort()).toEqual(['app:info', 'print:pdf', 'safe-storage:get-key']);
    expect(IPC_CHANNELS.printPdf).toBe('print:pdf');
    expect(APP_ORIGIN).toBe('app://samstem');
  });

  it('recognises only allow-listed channel names', () => {
    expect(isIpcChannel('app:info')).toBe(true);
    for (const v of ['app:info ', 'APP:INFO', 'shell:open', '', undefined, 42, {}]) expect(isIpcChannel(v)).toBe(false);
  });
});

describe('IPC events (main → page)', () => {
  it('lists only the OS lock, and keeps events apart from invoke channels', () => {
    expect([...ALLOWED_IPC_EVENTS]).toEqual(['session:os-lock']);
    expect(isIpcEventChannel('session:os-lock')).toBe(true);
    expect(isIpcChannel('session:os-lock')).toBe(false);
    for (const v of ['app:info', 'session:os-lock ', '', undefined, 1]) expect(isIpcEventChannel(v)).toBe(false);
  });

  it('accepts an OS lock payload with a known reason only', () => {
    expect(parseOsLockEvent({ reason: 'lock-screen' })).toEqual({ reason: 'lock-screen' });
    expect(parseOsLockEvent({ reason: 'suspend', extra: 1 })).toEqual({ reason: 'suspend' });
    for (const bad of [undefined, null, 'lock-screen', [], {}, { reason: 'shutdown' }]) expect(parseOsLockEvent(bad), JSON.stringify(bad)).toBeNull();
  });
});

describe('parsePrintPdfRequest', () => {
  it('accepts nothing, or the known fields', () => {
    expect(parsePrintPdfRequest(undefined)).toEqual({});
    expect(parsePrintPdfRequest(null)).toEqual({});
    expect(parsePrintPdfRequest({ suggestedFileName: 'Legemiddelliste', pageSize: 'Letter', landscape: true })).toEqual({
      suggestedFileName: 'Legemiddelliste',
      pageSize: 'Letter',
      landscape: true,
    });
  });

  it('refuses unknown fields, wrong types and oversize names', () => {
    for (const bad of ['x', 1, [], { filePath: '/etc/passwd' }, { pageSize: 'A0' }, { landscape: 'yes' }, { suggestedFileName: 5 }, { suggestedFileName: 'x'.repeat(201) }]) {
      expect(() => parsePrintPdfRequest(bad), JSON.stringify(bad)).toThrow(TypeError);
    }
  });
});
