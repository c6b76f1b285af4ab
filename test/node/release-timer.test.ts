// The Node server releases an embargo at its instant: its timer tells the WebSub hub (a real hub on
// loopback) that the story's feeds changed, with nobody asking, and the story is served from then on.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { testStore } from '#test-store';
import { readDataFiles } from '../../src/node/files.ts';
import { startServer } from '../../src/node/server.ts';
import { embargo } from '../../src/store/story-changes.ts';
import { changeStory } from '../../src/store/writes.ts';
import { SLUG } from '../support/gateway.ts';

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((close) => close()));

describe('the Node release timer', () => {
  it('pings the hub at the release instant', async () => {
    const pings: string[] = [];
    const hub: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        pings.push(body);
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    closers.push(() => hub.close());
    const store = await testStore(readDataFiles());
    const now = Date.now();
    // Two seconds ahead, on a whole second (instants are stored to the second).
    const until = new Date(Math.ceil((now + 2_000) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await changeStory(store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
    const { server, url } = await startServer({
      store,
      bindings: { WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: hubUrl },
      port: 0,
      host: '127.0.0.1',
    });
    closers.push(() => server.close());
    expect((await fetch(`${url}/articles/${SLUG}`)).status).toBe(404);
    // Wait (bounded) for the hub to hear of it.
    for (let i = 0; i < 100 && pings.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pings.map((p) => new URLSearchParams(p).get('hub.url'))).toEqual(
      ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`),
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(until));
    expect((await fetch(`${url}/articles/${SLUG}`)).status).toBe(200);
  }, 30_000);
});
