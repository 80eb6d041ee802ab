import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,broker,electron,renderer,fixtures,cli,scripts}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', 'e2e', 'dist', 'renderer/dist'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
