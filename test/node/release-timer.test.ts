// The Node server releases an embargo at its instant: its timer tells the WebSub hub (a real hub on
// loopback) that the story's feeds changed, with nobody asking, and the story is served from then on.
// The timer follows the store: an embargo set or moved through the API, or by another process (the CLI,
// heard through its bell), is told at its instant, not at the timer's next wake (up to a minute late);
// and a release that passed while no server ran is told once, at the next start.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStore } from '#test-store';
import { readDataFiles } from '../../src/node/files.ts';
import { startServer } from '../../src/node/server.ts';
import { openSqlite, type SqliteStore } from '../../src/node/sqlite-driver.ts';
import { importIfNew } from '../../src/store/import.ts';
import { MAX_SLEEP_MS, sleepFor, TOLD_THROUGH_KEY } from '../../src/store/releases.ts';
import { Store } from '../../src/store/store.ts';
import { embargo } from '../../src/store/story-changes.ts';
import { changeStory } from '../../src/store/writes.ts';
import { BINDINGS, bearer, gateway, SLUG } from '../support/gateway.ts';
import { runCliAsync, tempCopies } from './support/scratch.ts';

const FEED_URLS = ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`);
/** How late a ping may arrive after its instant: the old timer was up to 60 s late; a loaded 2-core machine needs slack. */
const LATE_MS = 3_000;

const tempCopy = tempCopies('release-timer');
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An instant `ms` ahead, on a whole second (instants are stored to the second), as ISO text. */
function instantAhead(ms: number): string {
  return new Date(Math.ceil((Date.now() + ms) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Ping {
  readonly url: string | null;
  readonly at: number;
}

/** A WebSub hub on loopback that keeps every publish ping and when it arrived. */
async function hub(): Promise<{ url: string; pings: Ping[] }> {
  const pings: Ping[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      pings.push({ url: new URLSearchParams(body).get('hub.url'), at: Date.now() });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, pings };
}

/** Waits (bounded) until `pings` holds `count`. */
async function heard(pings: readonly Ping[], count: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (pings.length < count && Date.now() < deadline) await sleep(50);
}

/** The store of a scratch copy as `wiregate serve` there opens it: a SQLite file, listening for bells. */
async function fileStore(dir: string): Promise<{ sqlite: SqliteStore; store: Store }> {
  const sqlite = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
  await importIfNew(sqlite.driver, () => readDataFiles({ feeds: join(dir, 'feeds'), licenses: join(dir, 'licenses') }), { operator: 'test' }, Date.now());
  expect(await sqlite.listen()).toBe(true);
  return { sqlite, store: new Store(sqlite.driver, { ttlMs: 0 }) };
}

/** A gateway server on the store of `dir` telling `hubUrl`; `stop` closes it and its store. */
async function serveDir(dir: string, hubUrl: string): Promise<{ url: string; sqlite: SqliteStore; stop: () => Promise<void> }> {
  const { sqlite, store } = await fileStore(dir);
  const { server, url } = await startServer({ store, bindings: { ...BINDINGS, WIREGATE_WEBSUB_HUB: hubUrl }, port: 0, host: '127.0.0.1' });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => server.close(() => resolve())).then(() => sqlite.close());
    return stopped;
  };
  closers.push(stop);
  return { url, sqlite, stop };
}

/** Waits (bounded) until the server on `sqlite` has recorded how far it told the hub (its first pass ran). */
async function markerWritten(sqlite: SqliteStore): Promise<void> {
  const read = sqlite.db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
  for (let i = 0; i < 100 && read.get(TOLD_THROUGH_KEY) === undefined; i++) await sleep(20);
  expect(read.get(TOLD_THROUGH_KEY)).toBeTypeOf('string');
}

describe('the Node release timer', () => {
  it('pings the hub at the release instant', async () => {
    const { url: hubUrl, pings } = await hub();
    const store = await testStore(readDataFiles());
    const now = Date.now();
    const until = instantAhead(2_000);
    await changeStory(store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    const { server, url } = await startServer({
      store,
      bindings: { WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: hubUrl },
      port: 0,
      host: '127.0.0.1',
    });
    closers.push(() => server.close());
    expect((await fetch(`${url}/articles/${SLUG}`)).status).toBe(404);
    await heard(pings, 3, 10_000);
    expect(pings.map((p) => p.url)).toEqual(FEED_URLS);
    expect(pings[0]!.at).toBeGreaterThanOrEqual(Date.parse(until));
    expect((await fetch(`${url}/articles/${SLUG}`)).status).toBe(200);
  }, 30_000);

  it('re-arms when an embargo is set or moved through the API, and pings at the new instant', async () => {
    const { url: hubUrl, pings } = await hub();
    const gw = await gateway();
    const { server, url } = await startServer({ store: gw.store, bindings: { ...BINDINGS, WIREGATE_WEBSUB_HUB: hubUrl }, port: 0, host: '127.0.0.1' });
    closers.push(() => server.close());
    const setEmbargo = async (until: string) => {
      const auth = bearer(await gw.operatorToken({ scope: 'stories:write' }));
      const res = await fetch(`${url}/admin/stories/${SLUG}/embargo`, {
        method: 'POST',
        headers: { ...auth.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ until }),
      });
      expect(res.status).toBe(200);
    };
    // The timer is armed for nothing at start, then for an embargo an hour away (it sleeps its longest).
    // Each change through the API tells the hub at once (the story left its feeds): three pings each.
    await sleep(300);
    await setEmbargo(instantAhead(3_600_000));
    await heard(pings, 3, 2_000);
    const until = instantAhead(2_500);
    await setEmbargo(until);
    await heard(pings, 6, 2_000);
    expect(pings.map((p) => p.url)).toEqual([...FEED_URLS, ...FEED_URLS]);
    expect(pings.every((p) => p.at < Date.parse(until))).toBe(true);
    await heard(pings, 9, Date.parse(until) - Date.now() + LATE_MS);
    const released = pings.slice(6);
    expect(released.map((p) => p.url)).toEqual(FEED_URLS);
    expect(released[0]!.at).toBeGreaterThanOrEqual(Date.parse(until));
    expect(released[2]!.at).toBeLessThanOrEqual(Date.parse(until) + LATE_MS);
    expect((await fetch(`${url}/articles/${SLUG}`)).status).toBe(200);
  }, 30_000);

  it('hears an embargo set by the CLI in another process (its bell) and pings at the instant', async () => {
    const { url: hubUrl, pings } = await hub();
    const dir = tempCopy();
    const served = await serveDir(dir, hubUrl);
    // The CLI's first run may bundle its sources; warm it so the embargo below is still ahead when it lands.
    expect((await runCliAsync(['--version'], { cwd: dir })).status).toBe(0);
    const until = instantAhead(5_000);
    // The CLI's environment names no hub: only the server's timer pings.
    const cli = await runCliAsync(['embargo', SLUG, '--until', until], { cwd: dir });
    expect(cli.status, cli.output).toBe(0);
    expect(served.sqlite.bellsHeard()).toBeGreaterThan(0);
    expect(pings).toEqual([]);
    await heard(pings, 3, Date.parse(until) - Date.now() + LATE_MS);
    expect(pings.map((p) => p.url)).toEqual(FEED_URLS);
    expect(pings[0]!.at).toBeGreaterThanOrEqual(Date.parse(until));
    expect(pings[2]!.at).toBeLessThanOrEqual(Date.parse(until) + LATE_MS);
    expect((await fetch(`${served.url}/articles/${SLUG}`)).status).toBe(200);
  }, 60_000);

  it('pings a release that passed while no server ran once, at the next start', async () => {
    const { url: hubUrl, pings } = await hub();
    const dir = tempCopy();
    const first = await serveDir(dir, hubUrl);
    await markerWritten(first.sqlite);
    await first.stop();
    // While no server runs, another process embargoes the story, and the instant passes.
    const writer = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    const now = Date.now();
    const until = instantAhead(1_000);
    await changeStory(writer.driver, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    writer.close();
    await sleep(Date.parse(until) - Date.now() + 500);
    expect(pings).toEqual([]);

    const startedAt = Date.now();
    const second = await serveDir(dir, hubUrl);
    await heard(pings, 3, LATE_MS);
    expect(pings.map((p) => p.url)).toEqual(FEED_URLS);
    expect(pings[2]!.at - startedAt).toBeLessThanOrEqual(LATE_MS);
    await second.stop();

    // A third start finds the release told already.
    const third = await serveDir(dir, hubUrl);
    await markerWritten(third.sqlite);
    await sleep(1_000);
    expect(pings).toHaveLength(3);
    await third.stop();
  }, 30_000);

  it('with two servers on one store, the hub hears a release once', async () => {
    const { url: hubUrl, pings } = await hub();
    const dir = tempCopy();
    const a = await serveDir(dir, hubUrl);
    const b = await serveDir(dir, hubUrl);
    const writer = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    closers.push(() => writer.close());
    const now = Date.now();
    const until = instantAhead(2_000);
    await changeStory(writer.driver, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    await heard(pings, 3, Date.parse(until) - Date.now() + LATE_MS);
    await sleep(1_000); // time for a second server's pings, were it to send any
    expect(pings.map((p) => p.url)).toEqual(FEED_URLS);
    expect(a.sqlite.bellsHeard() + b.sqlite.bellsHeard()).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('never sleeps past setTimeout’s limit, however far the next embargo', () => {
    const now = Date.now();
    expect(sleepFor(Date.parse('2100-01-01T00:00:00Z'), now)).toBe(MAX_SLEEP_MS);
    expect(MAX_SLEEP_MS).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(sleepFor(undefined, now)).toBe(MAX_SLEEP_MS);
    expect(sleepFor(now - 5_000, now)).toBe(0);
    expect(sleepFor(now + 1_500, now)).toBe(1_500);
  });
});

describe('the operator API tells the hub of each change', () => {
  it('a kill and a withhold through the API ping every format of the story’s feeds; a refused change pings nothing', async () => {
    const { url: hubUrl, pings } = await hub();
    const gw = await gateway();
    const { server, url } = await startServer({ store: gw.store, bindings: { ...BINDINGS, WIREGATE_WEBSUB_HUB: hubUrl }, port: 0, host: '127.0.0.1' });
    closers.push(() => server.close());
    const post = async (verb: string, body: unknown) => {
      const auth = bearer(await gw.operatorToken({ scope: 'stories:write' }));
      return fetch(`${url}/admin/stories/${SLUG}/${verb}`, {
        method: 'POST',
        headers: { ...auth.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    };
    expect((await post('withhold', { reason: 'Checking a name.' })).status).toBe(200);
    await heard(pings, 3, 5_000);
    expect(pings.map((p) => p.url)).toEqual(FEED_URLS);
    expect((await post('kill', { reason: 'Legal: do not use.' })).status).toBe(200);
    await heard(pings, 6, 5_000);
    expect(pings.map((p) => p.url)).toEqual([...FEED_URLS, ...FEED_URLS]);
    // After a kill every change is 409, and nothing is told.
    expect((await post('withhold', { reason: 'Again.' })).status).toBe(409);
    await sleep(500);
    expect(pings).toHaveLength(6);
  }, 30_000);
});
