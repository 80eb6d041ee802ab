import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_LINK_ALLOWLIST,
  brokerOrigin,
  buildCsp,
  createWebPreferences,
  denyAllPermissionChecks,
  denyAllPermissions,
  externalLinkTarget,
  isNavigationAllowed,
  securityHeaders,
  windowOpenHandler,
} from './security';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('createWebPreferences', () => {
  it('turns on every isolation the renderer can have and keeps the given preload', () => {
    const prefs = createWebPreferences('/app/dist-electron/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist-electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
    });
  });
});

describe('buildCsp', () => {
  const csp = buildCsp('http://127.0.0.1:43117');
  const d = directives(csp);

  it('allows network only to the app itself and the exact broker origin', () => {
    expect(d.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:43117']);
  });

  it('allows scripts and styles only from the app bundle (no inline, no eval)', () => {
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('shuts plugins, <base>, framing and form posts', () => {
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('drops any path from the broker URL: the CSP names an origin', () => {
    expect(directives(buildCsp('http://127.0.0.1:5000/fhir/')).get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5000']);
  });

  it('refuses a broker that is not plain HTTP on 127.0.0.1 with a port', () => {
    for (const bad of ['https://127.0.0.1:5000', 'http://localhost:5000', 'http://10.0.0.2:5000', 'http://127.0.0.1', 'not a url', "http://127.0.0.1:5000; script-src *"]) {
      expect(() => buildCsp(bad), bad).toThrow();
    }
  });

  it('passes the CSP evaluator electronegativity uses, apart from the two reviewed findings', () => {
    // The evaluator electronegativity itself uses (a dependency of @doyensec/electronegativity).
    const { CspParser, CspEvaluator, Version, severities } = createRequire(import.meta.url)('@doyensec/csp-evaluator') as {
      CspParser: new (s: string) => { csp: unknown };
      CspEvaluator: new (c: unknown, v: unknown) => { evaluate(): { directive: string; value: string; severity: number }[] };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new CspEvaluator(new CspParser(csp).csp, Version.CSP3).evaluate().filter((f) => f.severity < severities.INFO!);
    const unexpected = findings.filter(
      (f) => !(f.directive === 'script-src' && f.value === "'self'") && !(f.directive === 'connect-src' && f.value === 'http://127.0.0.1:43117'),
    );
    expect(unexpected).toEqual([]);
  });
});

describe('brokerOrigin', () => {
  it('is the scheme, host and port only', () => {
    expect(brokerOrigin('http://127.0.0.1:8080/fhir')).toBe('http://127.0.0.1:8080');
  });
});

describe('navigation', () => {
  it('stays inside app://samstem', () => {
    expect(isNavigationAllowed('app://samstem/index.html')).toBe(true);
    expect(isNavigationAllowed('app://samstem/pasient/123')).toBe(true);
  });

  it('refuses every other origin, scheme and malformed URL', () => {
    for (const url of [
      'https://www.felleskatalogen.no/',
      'http://127.0.0.1:5000/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://samstem.evil.com/',
      'app://samstem:8080/',
      'app://user@samstem/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      '',
      'app:samstem',
    ]) {
      expect(isNavigationAllowed(url), url).toBe(false);
    }
  });

  it('window.open is always denied', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
  });
});

describe('externalLinkTarget', () => {
  it('opens allow-listed https pages in the OS browser', () => {
    expect(externalLinkTarget('https://www.felleskatalogen.no/medisin/paracet')).toBe('https://www.felleskatalogen.no/medisin/paracet');
    expect(externalLinkTarget('https://WWW.Felleskatalogen.no/x')).toBe('https://www.felleskatalogen.no/x');
  });

  it('refuses http, other hosts, look-alike hosts, credentials and odd ports', () => {
    for (const url of [
      'http://www.felleskatalogen.no/',
      'https://felleskatalogen.no.evil.com/',
      'https://evil.com/?www.felleskatalogen.no',
      'https://user:pw@www.felleskatalogen.no/',
      'https://www.felleskatalogen.no:8443/',
      'file:///C:/Windows/System32/calc.exe',
      'smb://server/share',
      'mailto:someone@example.com',
      'not a url',
    ]) {
      expect(externalLinkTarget(url), url).toBeNull();
    }
  });

  it('never returns a URL whose host is outside the allow-list (property)', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const target = externalLinkTarget(url);
        if (target === null) return;
        const parsed = new URL(target);
        expect(parsed.protocol).toBe('https:');
        expect(EXTERNAL_LINK_ALLOWLIST).toContain(parsed.hostname);
      }),
    );
  });
});

describe('permissions', () => {
  it('refuses every permission request', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial']) {
      let granted: boolean | undefined;
      denyAllPermissions({}, permission, (g) => {
        granted = g;
      });
      expect(granted, permission).toBe(false);
    }
    expect(denyAllPermissionChecks()).toBe(false);
  });
});

describe('securityHeaders', () => {
  it('carries the CSP and the no-sniff header', () => {
    const h = securityHeaders("default-src 'self'");
    expect(h['Content-Security-Policy']).toBe("default-src 'self'");
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});
