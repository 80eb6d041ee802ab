// Serves the built renderer (renderer/dist) under app://samstem/ — a standard, secure scheme, so
// the page gets a real origin (IndexedDB, fetch, CSP 'self') without file:// and its access to the
// whole disk. The handler is a plain (Request) => Response function: protocol.handle in main.ts
// calls it, and the tests call it directly with Node's fetch types.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from '../shared/ipc';
import { securityHeaders } from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export type AppRequestResolution =
  | { kind: 'file'; filePath: string }
  | { kind: 'error'; status: 400 | 403 | 404 | 405; reason: string };

/**
 * Maps an app:// URL to a file under `rootDir`. Rejects other hosts, encoded separators and any
 * path that would leave rootDir. A path without a file extension is a client-side route and gets
 * index.html (the SPA fallback); a missing asset is a 404, not index.html, so a broken build shows.
 */
export function resolveAppRequest(rawUrl: string, rootDir: string): AppRequestResolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { kind: 'error', status: 400, reason: 'invalid URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { kind: 'error', status: 403, reason: `foreign origin ${url.origin}` };
  }
  if (/%2f|%5c|%00/i.test(url.pathname)) {
    return { kind: 'error', status: 400, reason: 'encoded separator in path' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'error', status: 400, reason: 'malformed percent-encoding' };
  }
  const root = path.resolve(rootDir);
  const relative = decoded.replace(/^\/+/, '');
  const candidate = relative === '' ? 'index.html' : relative;
  const filePath = path.resolve(root, candidate);
  if (filePath !== root && !filePath.startsWith(root + path.sep)) {
    return { kind: 'error', status: 403, reason: 'path outside the app bundle' };
  }
  if (path.extname(candidate) === '') {
    return { kind: 'file', filePath: path.join(root, 'index.html') };
  }
  return { kind: 'file', filePath };
}

export function mimeType(filePath: string): string {
  return MIME[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface AppProtocolOptions {
  rootDir: string;
  /** Read at every request, so the CSP can carry the broker port chosen at start-up. */
  csp: () => string;
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = securityHeaders(options.csp());
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const resolved = resolveAppRequest(request.url, options.rootDir);
    if (resolved.kind === 'error') {
      return new Response(resolved.reason, { status: resolved.status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    try {
      const info = await stat(resolved.filePath);
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      const body = request.method === 'HEAD' ? null : await readFile(resolved.filePath);
      return new Response(body, {
        status: 200,
        headers: { ...headers, 'Content-Type': mimeType(resolved.filePath), 'Cache-Control': 'no-cache' },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const status = code === 'ENOENT' || code === 'ENOTDIR' ? 404 : 500;
      return new Response(status === 404 ? 'Not found' : 'Read error', {
        status,
        headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
  };
}
