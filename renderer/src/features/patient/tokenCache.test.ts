import { describe, expect, it } from 'vitest';
import { createTokenCache, TOKEN_MARGIN_MS, tokenExpiry } from './tokenCache';

const b64url = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** A JWT-shaped token (the signature is not checked by the client). */
const jwt = (exp: number | undefined, sub = 'gp-kristin') => `${b64url({ alg: 'ES256' })}.${b64url({ sub, ...(exp === undefined ? {} : { exp }) })}.c2ln`;

function counter(tokens: (string | null | Error)[]) {
  let asked = 0;
  const fetchToken = async () => {
    const t = tokens[Math.min(asked, tokens.length - 1)]!;
    asked++;
    if (t instanceof Error) throw t;
    return t;
  };
  return { fetchToken, asked: () => asked };
}

describe('the token kept for opening patients', () => {
  it('reads exp from a JWT and nothing from other strings', () => {
    expect(tokenExpiry(jwt(1_800_000_000))).toBe(1_800_000_000);
    expect(tokenExpiry(jwt(undefined))).toBeUndefined();
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
  });

  it('is reused until a minute before it expires, then fetched again', async () => {
    let now = 1_000_000_000_000;
    const exp = now / 1000 + 3600;
    const cache = createTokenCache(() => now);
    const c = counter([jwt(exp), jwt(exp + 3600)]);
    expect(await cache.get('gp-kristin', c.fetchToken)).toEqual({ token: jwt(exp), fresh: true });
    now += 30 * 60_000;
    expect(await cache.get('gp-kristin', c.fetchToken)).toEqual({ token: jwt(exp), fresh: false });
    expect(c.asked()).toBe(1);
    now = exp * 1000 - TOKEN_MARGIN_MS; // inside the margin: not reused
    expect(await cache.get('gp-kristin', c.fetchToken)).toEqual({ token: jwt(exp + 3600), fresh: true });
    expect(c.asked()).toBe(2);
  });

  it('peek answers at once with a kept, valid token only', async () => {
    let now = 1_000_000_000_000;
    const exp = now / 1000 + 3600;
    const cache = createTokenCache(() => now);
    expect(cache.peek('gp-kristin')).toBeUndefined();
    const asked = cache.get('gp-kristin', async () => jwt(exp));
    expect(cache.peek('gp-kristin')).toBeUndefined(); // still in flight
    await asked;
    expect(cache.peek('gp-kristin')).toBe(jwt(exp));
    expect(cache.peek('gp-per')).toBeUndefined();
    now = exp * 1000 - TOKEN_MARGIN_MS;
    expect(cache.peek('gp-kristin')).toBeUndefined();
  });

  it('never gives one user the token of another', async () => {
    const now = 1_000_000_000_000;
    const cache = createTokenCache(() => now);
    const kristin = jwt(now / 1000 + 3600, 'gp-kristin');
    const per = jwt(now / 1000 + 3600, 'gp-per');
    await cache.get('gp-kristin', async () => kristin);
    expect((await cache.get('gp-per', async () => per)).token).toBe(per);
    expect((await cache.get('gp-kristin', async () => jwt(now / 1000 + 7200))).fresh).toBe(true);
  });

  it('two opens at once share one token request', async () => {
    const now = 1_000_000_000_000;
    const cache = createTokenCache(() => now);
    const c = counter([jwt(now / 1000 + 3600)]);
    const [a, b] = await Promise.all([cache.get('gp-kristin', c.fetchToken), cache.get('gp-kristin', c.fetchToken)]);
    expect(a.token).toBe(b.token);
    expect(c.asked()).toBe(1);
  });

  it('keeps no token without a readable expiry, no missing token and no failure', async () => {
    const now = 1_000_000_000_000;
    const cache = createTokenCache(() => now);
    const opaque = counter(['opaque-token']);
    await cache.get('u', opaque.fetchToken);
    await cache.get('u', opaque.fetchToken);
    expect(opaque.asked()).toBe(2);
    const none = counter([null]);
    await cache.get('v', none.fetchToken);
    await cache.get('v', none.fetchToken);
    expect(none.asked()).toBe(2);
    const failing = counter([new Error('nede'), jwt(now / 1000 + 3600)]);
    await expect(cache.get('w', failing.fetchToken)).rejects.toThrow('nede');
    expect((await cache.get('w', failing.fetchToken)).fresh).toBe(true);
  });

  it('forget drops the kept token (sign-out)', async () => {
    const now = 1_000_000_000_000;
    const cache = createTokenCache(() => now);
    const c = counter([jwt(now / 1000 + 3600)]);
    await cache.get('gp-kristin', c.fetchToken);
    cache.forget('gp-per'); // someone else's: kept
    expect((await cache.get('gp-kristin', c.fetchToken)).fresh).toBe(false);
    cache.forget('gp-kristin');
    expect((await cache.get('gp-kristin', c.fetchToken)).fresh).toBe(true);
    cache.forget();
    expect((await cache.get('gp-kristin', c.fetchToken)).fresh).toBe(true);
  });
});
