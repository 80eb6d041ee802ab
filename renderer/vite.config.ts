import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import pkg from '../package.json' with { type: 'json' };

// No node:path here: the layering lint treats renderer/** as page code. Vite defines
// import.meta.dirname while it loads this config.
const here = import.meta.dirname;

/**
 * The CSP in index.html is the production policy. Vite's dev server needs inline scripts (React
 * refresh preamble), injected <style> tags and a websocket for HMR, so the dev server alone gets a
 * relaxed copy. `vite build` never runs this plugin, so the shipped page keeps the strict policy.
 */
function devOnlyRelaxedCsp(): Plugin {
  return {
    name: 'samstem-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")/, (_m, a: string, policy: string, c: string) => {
        const relaxed = policy
          .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
          .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
          .replace('connect-src', 'connect-src ws://localhost:* ws://127.0.0.1:*');
        return a + relaxed + c;
      });
    },
  };
}

export default defineConfig({
  root: here,
  // Relative asset URLs: the same build is loaded from app:// in Electron and from the broker's static route.
  base: './',
  plugins: [react(), devOnlyRelaxedCsp()],
  define: {
    'import.meta.env.SAMSTEM_VERSION': JSON.stringify(pkg.version),
  },
  build: {
    outDir: `${here}/dist`,
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // Keep everything as files: inline data: URLs or inline scripts would need a weaker CSP.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: false,
    proxy: {
      // `vite dev` against a broker on 5174: the renderer then talks to its own origin like in web mode.
      '/fhir': 'http://127.0.0.1:5174',
      '/auth': 'http://127.0.0.1:5174',
      '/healthz': 'http://127.0.0.1:5174',
    },
  },
});
