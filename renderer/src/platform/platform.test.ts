import { describe, expect, it, vi } from 'vitest';
import { detectPlatform, PlatformError } from './index';

describe('detectPlatform', () => {
  it('uses the Electron bridge when the preload exposed one', async () => {
    const p = detectPlatform({
      samstem: { getAppInfo: async () => ({ brokerUrl: 'http://127.0.0.1:49152/', version: '1.2.3', platform: 'linux' }) },
      location: { origin: 'app://samstem', protocol: 'app:' },
    });
    expect(p.kind).toBe('electron');
    expect(await p.getAppInfo()).toEqual({ brokerUrl: 'http://127.0.0.1:49152', version: '1.2.3', platform: 'linux' });
  });

  it('refuses a bridge answer without a usable broker URL', async () => {
    const p = detectPlatform({ samstem: { getAppInfo: async () => ({ brokerUrl: '', version: '1', platform: 'linux' }) } });
    await expect(p.getAppInfo()).rejects.toBeInstanceOf(PlatformError);
  });

  it('in a browser tab, the broker is the origin that served the page', async () => {
    const p = detectPlatform({ location: { origin: 'http://127.0.0.1:5174', protocol: 'http:' } });
    expect(p.kind).toBe('web');
    expect((await p.getAppInfo()).brokerUrl).toBe('http://127.0.0.1:5174');
  });

  it('does not guess a broker when there is no bridge and no http origin', async () => {
    const p = detectPlatform({ location: { origin: 'null', protocol: 'file:' } });
    await expect(p.getAppInfo()).rejects.toThrow(/not http/);
  });
});

describe('onOsLock', () => {
  it('in Electron, passes the bridge event on and unsubscribes through the bridge', () => {
    let emit: ((e: { reason: 'lock-screen' | 'suspend' }) => void) | undefined;
    const off = vi.fn();
    const p = detectPlatform({
      samstem: {
        getAppInfo: async () => ({ brokerUrl: 'http://127.0.0.1:1', version: '1', platform: 'linux' }),
        onOsLock: (l: (e: { reason: 'lock-screen' | 'suspend' }) => void) => ((emit = l), off),
      },
    });
    const heard = vi.fn();
    const unsubscribe = p.onOsLock(heard);
    emit!({ reason: 'suspend' });
    expect(heard).toHaveBeenCalledWith({ reason: 'suspend' });
    unsubscribe();
    expect(off).toHaveBeenCalledTimes(1);
  });

  it('in a browser tab, subscribing is a harmless no-op', () => {
    const p = detectPlatform({ location: { origin: 'http://127.0.0.1:5174', protocol: 'http:' } });
    const heard = vi.fn();
    const unsubscribe = p.onOsLock(heard);
    expect(typeof unsubscribe).toBe('function');
    unsubscribe();
    expect(heard).not.toHaveBeenCalled();
  });

  it('with a preload that lacks the event, warns instead of pretending', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = detectPlatform({ samstem: { getAppInfo: async () => ({ brokerUrl: 'http://127.0.0.1:1', version: '1', platform: 'linux' }) } });
    p.onOsLock(vi.fn())();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skjermlås'));
    warn.mockRestore();
  });
});
