import { describe, expect, it } from 'vitest';
import html from '../index.html?raw';

// The page's CSP is a security contract (Electron and web mode load the same index.html).
describe('renderer/index.html', () => {
  const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

  it('has a strict CSP without inline or eval allowances', () => {
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'", 'http://127.0.0.1:*']);
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('is Norwegian bokmål and has no inline script or style', () => {
    expect(html).toMatch(/<html lang="nb">/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});
