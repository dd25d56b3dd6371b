// Tests run on the TypeScript sources: @typia/unplugin applies the typia transform that tspc applies in builds.
import typia from '@typia/unplugin/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [typia()],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
