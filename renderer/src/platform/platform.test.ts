import { describe, expect, it } from 'vitest';
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
