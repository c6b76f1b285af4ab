// One suite, two runtimes: every test under test/ runs in Node and again inside workerd
// (Cloudflare's Vitest integration, with real D1 databases); test/node/** needs Node (files,
// processes, sockets) and runs there only. `#test-store` is the real store of each runtime.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

process.env['WRANGLER_SEND_METRICS'] ??= 'false';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const TEST_DATABASES = 64;

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: { '#test-store': here('./test/support/store-node.ts') } },
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
        resolve: { alias: { '#test-store': here('./test/support/store-workerd.ts') } },
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              d1Databases: Object.fromEntries([['DB', 'wiregate'], ...Array.from({ length: TEST_DATABASES }, (_, i) => [`TEST_DB_${i}`, `test-${i}`])]),
              bindings: { TEST_MIGRATIONS: await readD1Migrations(here('./migrations')) },
            },
          })),
        ],
        test: {
          name: 'workerd',
          include: ['test/**/*.test.ts'],
          // The D1 pool is shared by the files of this project: one file at a time, so no file's
          // gateway empties a database another file is reading.
          fileParallelism: false,
          exclude: ['test/node/**'],
          globalSetup: ['test/support/jwks-server.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
