import { defineConfig } from 'vitest/config';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'node', include: ['test/**/*.test.ts'], environment: 'node' } },
      { plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })], test: { name: 'workerd', include: ['test/**/*.test.ts'], exclude: ['test/node/**'] } },
    ],
  },
});
