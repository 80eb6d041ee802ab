// Import layering from DESIGN.md, enforced here and run by `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'stream', 'zlib', 'worker_threads'];
const pat = (group, message) => ({ group, message });

/** Rules per layer: what each folder may not import. Exported so a test can prove the rule bites. */
export const layering = {
  'shared/**/*.ts': [
    pat(['electron', 'electron/*'], 'shared/ is pure domain code: no Electron.'),
    pat(nodeBuiltins, 'shared/ runs in Node and the browser: no Node built-ins (pass data in, not file paths).'),
    pat(['react', 'react-dom', 'react-dom/*', 'dexie', 'dexie-react-hooks', '@reduxjs/toolkit', 'react-redux', 'fastify', 'better-sqlite3'], 'shared/ is pure: no UI, storage or server libraries.'),
    pat(['**/renderer/**', '**/electron/**', '**/broker/**', '**/fixtures/**', '**/cli/**'], 'shared/ imports nothing of ours but shared/.'),
  ],
  'renderer/**/*.{ts,tsx}': [
    pat(['electron', 'electron/*'], 'renderer/ must not import electron: use src/platform (the preload bridge).'),
    pat(nodeBuiltins, 'renderer/ runs in a sandboxed page: no Node built-ins.'),
    pat(['**/electron/**', '**/broker/**', '**/cli/**', 'better-sqlite3', 'fastify'], 'renderer/ talks to the broker over HTTP and to the host over the bridge only.'),
  ],
  'electron/**/*.ts': [
    pat(['**/renderer/**', 'react', 'react-dom'], 'electron/ never imports renderer/.'),
  ],
  'broker/**/*.ts': [
    pat(['**/renderer/**', '**/electron/**', 'electron', 'react', 'react-dom', 'dexie'], 'broker/ imports shared/ and fixtures/, never the UI or Electron.'),
  ],
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'dist-electron', 'renderer/dist', 'release', 'test-results', 'playwright-report', 'e2e/screenshots', 'bench/results', 'fixtures/generated'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(layering).map(([files, patterns]) => ({
    files: [files],
    // Tests of shared/ run only in Node and may read reference files from disk; the code under
    // test stays pure.
    ...(files.startsWith('shared/') ? { ignores: ['shared/**/*.test.ts', 'shared/**/*.testutil.ts'] } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  {
    files: ['shared/**/*.test.ts', 'shared/**/*.testutil.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: layering['shared/**/*.ts'].filter((p) => !p.message.includes('Node built-ins')) }] },
  },
);
