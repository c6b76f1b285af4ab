// Real feed readers on private feed URLs (SPEC §11), against `wiregate serve` over real HTTP: newsboat
// (Debian's package) reads the RSS and Atom feeds with full text and revalidates with a 304; Python's
// feedparser reads them bozo-free and gets a 304 with its ETag. The server's output never holds the key.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATE, LICENSE_LINE, SLUG } from '../support/gateway.ts';
import { runCli, tempCopies } from './support/scratch.ts';
import { serveIn, type Served } from './support/serve.ts';

const tempCopy = tempCopies('readers');
const PYTHON = '/usr/bin/python3';
// Asynchronous on purpose: the recording proxy runs in this process and must keep answering.
const run = promisify(execFile);

interface Seen {
  readonly path: string;
  readonly status: number;
  readonly ifNoneMatch: string | undefined;
  readonly ifModifiedSince: string | undefined;
}

/** A pass-through proxy in front of the server that records what each reader sent and got. */
function recordingProxy(target: number): Promise<{ port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (up) => {
      seen.push({
        path: req.url ?? '',
        status: up.statusCode ?? 0,
        ifNoneMatch: req.headers['if-none-match'],
        ifModifiedSince: req.headers['if-modified-since'],
      });
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, seen, server });
    }),
  );
}

let dir = '';
let served: Served;
let key = '';
let proxy: Awaited<ReturnType<typeof recordingProxy>>;

beforeAll(async () => {
  dir = tempCopy();
  served = await serveIn(dir, (port) => ({ WIREGATE_PUBLIC_URL: `http://127.0.0.1:${port}`, WIREGATE_RECEIPT_SECRET: 'readers-test-secret' }));
  const issued = runCli(['feed-key', 'issue', '--licensee', 'demo-newsroom', '--feeds', 'world', '--label', 'newsboat'], { cwd: dir });
  expect(issued.status, issued.output).toBe(0);
  key = (JSON.parse(issued.stdout) as { key: string }).key;
  proxy = await recordingProxy(served.port);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.server.close(() => resolve()) : resolve()));
  await served?.stop();
});

const feedUrl = (file: string) => `http://127.0.0.1:${proxy.port}/private/${key}/feeds/world/${file}`;

/** newsboat with its own home, urls file and cache; `-x reload` fetches every feed once and exits. */
function newsboat(name: string, url: string): { reload: () => Promise<void>; items: () => { title: string; content: string }[] } {
  const home = join(dir, `newsboat-${name}`);
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'urls'), `${url}\n`);
  writeFileSync(join(home, 'config'), 'reload-threads 1\ndownload-timeout 20\n');
  const cache = join(home, 'cache.db');
  return {
    reload: async () => {
      await run('newsboat', ['-u', join(home, 'urls'), '-c', cache, '-C', join(home, 'config'), '-x', 'reload'], {
        env: { ...process.env, HOME: home, TERM: 'dumb' },
        timeout: 60_000,
      });
    },
    items: () => {
      const db = new Database(cache, { readonly: true });
      try {
        return db.prepare('SELECT title, content FROM rss_item').all() as { title: string; content: string }[];
      } finally {
        db.close();
      }
    },
  };
}

describe('newsboat', () => {
  for (const file of ['rss.xml', 'atom.xml']) {
    it(`reads the private ${file} with full text, then revalidates with a 304`, async () => {
      const reader = newsboat(file, feedUrl(file));
      await reader.reload();
      const items = reader.items();
      expect(items).toHaveLength(1);
      expect(items[0]!.content).toContain(LATE);
      expect(items[0]!.content).toContain(LICENSE_LINE);
      // newsboat 2.21 keeps a new feed's validators only from its second fetch (its first UPDATE
      // runs before the feed's row exists), so the third reload is the first conditional one.
      await reader.reload();
      const before = proxy.seen.length;
      await reader.reload();
      const again = proxy.seen.slice(before).filter((s) => s.path.endsWith(file));
      expect(again).toHaveLength(1);
      expect(again[0]!.ifNoneMatch).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(again[0]!.status).toBe(304);
      expect(reader.items()[0]!.content).toContain(LATE);
    }, 120_000);
  }
});

const FEEDPARSER = `
import feedparser, json, sys
url, etag = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
d = feedparser.parse(url, etag=etag) if etag else feedparser.parse(url)
print(json.dumps({
  "status": d.get("status"), "bozo": d.bozo, "error": str(d.get("bozo_exception", "")), "etag": d.get("etag"), "version": d.get("version"),
  "entries": [{"title": e.get("title"), "link": e.get("link"), "content": " ".join(c.value for c in e.get("content", []))} for e in d.entries],
}))
`;

describe('feedparser (python3-feedparser)', () => {
  for (const file of ['rss.xml', 'atom.xml']) {
    it(`reads the private ${file} bozo-free with full text, item links public, and gets a 304 for its ETag`, async () => {
      const parse = async (...args: string[]) =>
        JSON.parse((await run(PYTHON, ['-c', FEEDPARSER, ...args], { encoding: 'utf8', timeout: 60_000 })).stdout) as {
          status: number;
          bozo: number;
          error: string;
          etag: string;
          version: string;
          entries: { title: string; link: string; content: string }[];
        };
      const d = await parse(feedUrl(file));
      expect(Boolean(d.bozo), d.error).toBe(false);
      expect(d.status).toBe(200);
      expect(d.version).toBe(file === 'rss.xml' ? 'rss20' : 'atom10');
      expect(d.entries).toHaveLength(1);
      expect(d.entries[0]!.content).toContain(LATE);
      expect(d.entries[0]!.link).toBe(`http://127.0.0.1:${served.port}/articles/${SLUG}`);
      expect(d.entries[0]!.link).not.toContain(key);
      const again = await parse(feedUrl(file), d.etag);
      expect(again.status).toBe(304);
    }, 60_000);
  }
});

describe('the server log', () => {
  it('never holds the key, through successes, 304s and refusals', async () => {
    const base = `http://127.0.0.1:${served.port}`;
    expect((await fetch(`${base}/private/${key}/feeds/world/feed.json`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/private/${key}/feeds/nope/rss.xml`)).status).toBe(404);
    expect((await fetch(`${base}/private/${key}/feeds/world/rss.xml`, { headers: { Authorization: 'Bearer x' } })).status).toBe(400);
    const list = runCli(['feed-key', 'list', '--licensee', 'demo-newsroom'], { cwd: dir });
    expect(list.status).toBe(0);
    expect(list.output).not.toContain(key);
    const id = (JSON.parse(list.stdout) as { keys: { id: string }[] }).keys[0]!.id;
    expect(runCli(['feed-key', 'revoke', id, '--licensee', 'demo-newsroom'], { cwd: dir }).status).toBe(0);
    expect((await fetch(`${base}/private/${key}/feeds/world/rss.xml`)).status).toBe(410);
    expect(served.output()).not.toContain(key);
    expect(served.output()).not.toContain(key.slice(0, 16));
  });
});
