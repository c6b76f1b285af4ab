// Nothing lost (SPEC §10, §13): `kill -9` the real Node server while licensees pull copies and an
// operator publishes; the store it leaves holds every delivery a client received, and every story
// whole (record, version, feed membership, fingerprints, audit row) or not at all.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openSqlite } from '../../src/node/sqlite-driver.ts';
import { LATE, SLUG } from '../support/gateway.ts';
import { cleanEnv, CLI, operatorToken, tempCopies } from './support/scratch.ts';
import { freePort } from './support/serve.ts';

const tempCopy = tempCopies('durability');
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts `wiregate serve --demo` in `dir`; resolves with its URL and the demo token once it listens. */
async function serve(dir: string): Promise<{ child: ChildProcess; url: string; token: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--demo'], {
    cwd: dir,
    env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (!/export TOKEN=(\S+)/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: `http://127.0.0.1:${port}`, token: /export TOKEN=(\S+)/.exec(output)![1]! };
}

describe('kill -9', () => {
  it('every licensed copy a client received is in the ledger when the server comes back', async () => {
    const dir = tempCopy();
    const { child, url, token } = await serve(dir);
    const received: string[] = [];
    let stop = false;
    // Eight clients pulling the full story until the server dies; at most 2,000 requests in all.
    let budget = 2_000;
    const client = async () => {
      while (!stop && budget-- > 0) {
        try {
          const res = await fetch(`${url}/articles/${SLUG}.txt`, { headers: { Authorization: `Bearer ${token}` } });
          const text = await res.text();
          if (res.status === 200 && text.includes(LATE)) received.push(/Receipt: (wg-[0-9a-f]+)/.exec(text)![1]!);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (received.length < 50 && budget > 0) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    expect(received.length).toBeGreaterThanOrEqual(50);
    const { db, close } = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    const ledger = db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE slug = ?`).get(SLUG) as { n: number };
    close();
    // Every copy received was recorded before it was sent (the ledger may hold a few more: copies
    // whose responses the kill cut off on the way out).
    expect(ledger.n).toBeGreaterThanOrEqual(received.length);
  }, 60_000);

  it('during publishes: every story in the store is whole, and nothing half-written', async () => {
    const dir = tempCopy();
    const operator = operatorToken(dir, 'durability-op');
    const { child, url } = await serve(dir);
    let acknowledged = 0;
    let n = 0;
    const publisher = async () => {
      while (n < 400) {
        const i = n++;
        const text = `Story number ${i} about the harbour\n\nOSLO — Paragraph one of story ${i} tells what happened at the harbour on Monday morning.\n\nParagraph two of story ${i} adds what the officials said later that day.\n\nParagraph three of story ${i} gives the background.\n\nCopyright 2026 Test Wire. All rights reserved.\n`;
        try {
          const res = await fetch(`${url}/admin/stories?feed=world`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${operator}`, 'Content-Type': 'text/plain' },
            body: text,
          });
          if (res.status === 201) acknowledged++;
        } catch {
          return;
        }
      }
    };
    const publishers = Array.from({ length: 4 }, publisher);
    while (acknowledged < 20 && n < 400) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await Promise.all(publishers);
    const { db, close } = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    const stories = db.prepare(`SELECT slug, version FROM stories WHERE slug LIKE 'story-number-%'`).all() as { slug: string; version: number }[];
    const count = (q: string, slug: string) => (db.prepare(q).get(slug) as { n: number }).n;
    for (const { slug } of stories) {
      expect(count(`SELECT COUNT(*) AS n FROM story_versions WHERE slug = ?`, slug), slug).toBe(1);
      expect(count(`SELECT COUNT(*) AS n FROM feed_items WHERE slug = ?`, slug), slug).toBe(1);
      expect(count(`SELECT COUNT(*) AS n FROM fingerprints WHERE slug = ?`, slug), slug).toBeGreaterThan(0);
      expect(count(`SELECT COUNT(*) AS n FROM audit WHERE action = 'publish' AND target = ?`, slug), slug).toBe(1);
    }
    const orphans = db.prepare(`SELECT COUNT(*) AS n FROM story_versions v WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.slug = v.slug)`).get() as {
      n: number;
    };
    close();
    expect(orphans.n).toBe(0);
    // Every publish the API acknowledged is there.
    expect(stories.length).toBeGreaterThanOrEqual(acknowledged);
  }, 60_000);
});

describe('a store another process holds locked', () => {
  it('licensed requests get 503 store_unavailable with Retry-After and no text, and nothing is recorded; then they go on', async () => {
    const dir = tempCopy();
    const { child, url, token } = await serve(dir);
    const path = join(dir, '.wiregate', 'wiregate.db');
    const deliveries = () => {
      const db = openSqlite(path);
      try {
        return db.db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    // Asked once before, so its answer is kept: the kept path's ledger write meets the lock too.
    const first = await fetch(`${url}/articles/${SLUG}.txt`, { headers: { Authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    await first.text();
    const before = deliveries();
    // Another writer (say, a long import) holds the write lock for longer than the server waits (5 s).
    const locker = new Database(path);
    locker.exec('BEGIN IMMEDIATE');
    try {
      const done: string[] = [];
      const licensed = fetch(`${url}/articles/${SLUG}.txt`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => {
        done.push('licensed');
        return r;
      });
      // The server waits for the lock asleep, not inside SQLite: it answers others meanwhile.
      await new Promise((r) => setTimeout(r, 200));
      const health = await fetch(`${url}/healthz`);
      done.push('healthz');
      expect(health.status).toBe(200);
      const res = await licensed;
      expect(done).toEqual(['healthz', 'licensed']);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ code: 'store_unavailable', status: 503 });
      expect(text).not.toContain(LATE);
      const publicPage = await fetch(`${url}/articles/${SLUG}`);
      expect(publicPage.status).toBe(200);
      expect(await publicPage.text()).not.toContain(LATE);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(deliveries()).toBe(before);
    const after = await fetch(`${url}/articles/${SLUG}.txt`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(LATE);
    expect(deliveries()).toBe(before + 1);
    child.kill('SIGKILL');
  }, 60_000);
});
