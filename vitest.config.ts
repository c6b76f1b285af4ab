// One suite, two runtimes: every test under test/ runs in Node and again inside workerd
// (Cloudflare's Vitest integration); test/node/** needs Node (files, processes, sockets) and runs there only.
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

process.env['WRANGLER_SEND_METRICS'] ??= 'false';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/jwks-server.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: {
          name: 'workerd',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**'],
          globalSetup: ['test/support/jwks-server.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
