import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, mimeType, resolveAppRequest } from './app-protocol';

const CSP = "default-src 'self'; connect-src 'self' http://127.0.0.1:4000";
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'samstem-app-protocol-'));
  root = path.join(base, 'dist');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  mkdirSync(path.join(root, 'fonts.v1'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Samstem</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(path.join(base, 'secret.txt'), 'outside the bundle');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppRequest', () => {
  it('serves index.html for the root and for client-side routes', () => {
    expect(resolveAppRequest('app://samstem/', root)).toEqual({ kind: 'file', filePath: path.join(root, 'index.html') });
    expect(resolveAppRequest('app://samstem/pasient/12345678901', root)).toEqual({ kind: 'file', filePath: path.join(root, 'index.html') });
  });

  it('maps an asset path to the file inside the bundle', () => {
    expect(resolveAppRequest('app://samstem/assets/index-abc.js?v=1#x', root)).toEqual({ kind: 'file', filePath: path.join(root, 'assets', 'index-abc.js') });
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppRequest('app://other/index.html', root)).toMatchObject({ kind: 'error', status: 403 });
    expect(resolveAppRequest('file:///etc/passwd', root)).toMatchObject({ kind: 'error', status: 403 });
    expect(resolveAppRequest('::', root)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('refuses encoded separators and traversal out of the bundle', () => {
    expect(resolveAppRequest('app://samstem/..%2fsecret.txt', root)).toMatchObject({ kind: 'error', status: 400 });
    expect(resolveAppRequest('app://samstem/assets%5c..%5c..%5csecret.txt', root)).toMatchObject({ kind: 'error', status: 400 });
    expect(resolveAppRequest('app://samstem/%E0%A4%A', root)).toMatchObject({ kind: 'error', status: 400 });
  });

  it('never resolves to a path outside the bundle, whatever the URL (property)', () => {
    const segment = fc.oneof(fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '..%00', 'assets', 'index.html', '', '%5c'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const r = resolveAppRequest(`app://samstem/${segments.join('/')}`, root);
        if (r.kind === 'file') {
          expect(r.filePath === root || r.filePath.startsWith(root + path.sep)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('mimeType', () => {
  it('names the types the renderer bundle uses', () => {
    expect(mimeType('a/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a/x.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a/x.woff2')).toBe('font/woff2');
    expect(mimeType('a/x.unknown')).toBe('application/octet-stream');
  });
});

describe('createAppProtocolHandler', () => {
  const handler = () => createAppProtocolHandler({ rootDir: root, csp: () => CSP });

  it('returns the file with its type and the CSP header', async () => {
    const res = await handler()(new Request('app://samstem/assets/index-abc.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('serves the app shell for a deep link', async () => {
    const res = await handler()(new Request('app://samstem/pasient/1'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Samstem</title>');
  });

  it('answers 404 with the CSP for a missing asset instead of the app shell', async () => {
    const res = await handler()(new Request('app://samstem/assets/missing.js'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
  });

  it('answers 404 for a directory', async () => {
    const res = await handler()(new Request('app://samstem/fonts.v1'));
    expect(res.status).toBe(404);
  });

  it('refuses writes', async () => {
    const res = await handler()(new Request('app://samstem/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
  });

  it('reads the CSP at each request, so it can name a broker port chosen later', async () => {
    let port = 1111;
    const h = createAppProtocolHandler({ rootDir: root, csp: () => `connect-src http://127.0.0.1:${port}` });
    expect((await h(new Request('app://samstem/'))).headers.get('content-security-policy')).toContain(':1111');
    port = 2222;
    expect((await h(new Request('app://samstem/'))).headers.get('content-security-policy')).toContain(':2222');
  });
});
