// The real Worker under `wrangler dev` (workerd) serves the same bytes as the Node server, and refuses the same way.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStore } from '#test-store';
import { readDataFiles } from '../../src/node/files.ts';
import { startServer } from '../../src/node/server.ts';
import { LATE, SLUG } from '../support/gateway.ts';

const PUBLIC_URL = 'https://wire.example';
const PATHS = ['/', '/healthz', '/license', `/articles/${SLUG}`, `/articles/${SLUG}.json`, `/articles/${SLUG}.txt`,
  '/feeds/world/rss.xml', '/feeds/world/atom.xml', '/feeds/world/feed.json', '/articles/no-such-story', '/nowhere'];
const FORGED = `eyJhbGciOiJFUzI1NiIsImtpZCI6Im5vcGUiLCJ0eXAiOiJsaWNlbnNlK2p3dCJ9.eyJzdWIiOiJkZW1vLW5ld3Nyb29tIn0.${'A'.repeat(86)}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not start:\n${log()}`);
}

describe('wrangler dev (workerd) and Node serve the same responses', () => {
  let worker: ChildProcess | undefined;
  let workerUrl = '';
  let nodeUrl = '';
  let closeNode: () => void = () => {};

  beforeAll(async () => {
    const port = await freePort();
    let output = '';
    // A local D1 of its own: migrated and seeded from feeds/ and licenses/ as `npm run dev:worker` does.
    const persist = mkdtempSync(join(tmpdir(), 'wiregate-d1-'));
    const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' };
    for (const args of [['d1', 'migrations', 'apply', 'DB', '--local'], ['d1', 'execute', 'DB', '--local', '--file', 'build/seed.sql']]) {
      const r = spawnSync('node_modules/.bin/wrangler', [...args, '--persist-to', persist], { env: wranglerEnv, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
    }
    worker = spawn('node_modules/.bin/wrangler', ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, '--var', `WIREGATE_PUBLIC_URL:${PUBLIC_URL}`], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (d) => (output += d));
    worker.stderr?.on('data', (d) => (output += d));
    workerUrl = `http://127.0.0.1:${port}`;
    const node = await startServer({ store: await testStore(readDataFiles()), bindings: { WIREGATE_PUBLIC_URL: PUBLIC_URL }, port: 0 });
    nodeUrl = node.url;
    closeNode = () => node.server.close();
    await waitFor(`${workerUrl}/healthz`, worker, () => output);
  }, 90_000);

  afterAll(() => {
    worker?.kill('SIGTERM');
    closeNode();
  });

  it.each(PATHS)('GET %s: same status, type and bytes', async (path) => {
    const [w, n] = await Promise.all([fetch(workerUrl + path), fetch(nodeUrl + path)]);
    expect(w.status).toBe(n.status);
    expect(w.headers.get('content-type')).toBe(n.headers.get('content-type'));
    expect(w.headers.get('etag')).toBe(n.headers.get('etag'));
    expect(w.headers.get('link')).toBe(n.headers.get('link'));
    expect(await w.text()).toBe(await n.text());
  });

  it.each([
    ['a forged token', { Authorization: `Bearer ${FORGED}` }, 401, `/articles/${SLUG}`],
    ['Basic credentials', { Authorization: 'Basic dXNlcjpwYXNz' }, 400, '/feeds/world/rss.xml'],
    ['a token in the query', {}, 400, `/articles/${SLUG}.json?access_token=abc`],
    ['two credentials', { Authorization: 'Bearer abc, Bearer def' }, 400, `/articles/${SLUG}.txt`],
  ])('refuses %s the same way, without story text', async (_name, headers, status, path) => {
    const [w, n] = await Promise.all([fetch(workerUrl + path, { headers }), fetch(nodeUrl + path, { headers })]);
    expect(w.status).toBe(status);
    expect(n.status).toBe(status);
    expect(w.headers.get('www-authenticate')).toBe(n.headers.get('www-authenticate'));
    expect(w.headers.get('cache-control')).toBe('no-store');
    const [wb, nb] = [await w.text(), await n.text()];
    expect(wb).toBe(nb);
    expect(wb).not.toContain(LATE);
    expect(wb).not.toContain(FORGED);
  });
});
