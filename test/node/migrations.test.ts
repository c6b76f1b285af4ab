// A store made by an earlier release moves to this one's schema with nothing lost: a SQLite file
// migrated only up to a given migration (as an older gateway left it) is opened by this one.

import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openSqlite } from '../../src/node/sqlite-driver.ts';
import type { Licensee } from '../../src/registry/registry.ts';
import { account } from '../../src/store/ledger.ts';
import { usageReport } from '../../src/store/usage.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A store file with the migrations before `upTo` applied, recorded as wrangler and the gateway record them. */
function storeBefore(upTo: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wiregate-migrations-'));
  dirs.push(dir);
  const path = join(dir, 'store.db');
  const db = new Database(path);
  db.exec(`CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`);
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) {
    if (!name.endsWith('.sql') || name >= upTo) continue;
    db.exec(readFileSync(join(MIGRATIONS_DIR, name), 'utf8'));
    db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name);
  }
  db.close();
  return path;
}

/** How SQLite would run the ledger's reads: the usage report by credential, by licensee, and who got a story. */
function queryPlans(db: Database.Database): string[] {
  const queries = [
    `SELECT credential_kind, credential, COUNT(*) FROM deliveries WHERE at >= ? AND at < ? GROUP BY credential_kind, credential`,
    `SELECT substr(at, 1, 10), COUNT(*) FROM deliveries WHERE licensee = ? AND at >= ? AND at < ? GROUP BY 1`,
    `SELECT licensee, MIN(at), COUNT(*) FROM deliveries WHERE slug = ? AND version = ? GROUP BY licensee`,
  ];
  return queries.map((q) =>
    db
      .prepare(`EXPLAIN QUERY PLAN ${q}`)
      .all(...Array.from({ length: (q.match(/\?/g) ?? []).length }, () => 'x'))
      .map((row) => (row as { detail: string }).detail)
      .join('\n'),
  );
}

const licensee: Licensee = {
  id: 'ledger-newsroom',
  name: 'Ledger Newsroom',
  status: 'active',
  license: 'LIC-LEDGER',
  feeds: ['*'],
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
};

describe('0008: deliveries without AUTOINCREMENT', () => {
  it('keeps every delivery and its id, the indexes and the reports, and goes on numbering', async () => {
    const path = storeBefore('0008');
    const old = new Database(path);
    const insert = old.prepare(
      `INSERT INTO deliveries (at, licensee, credential_kind, credential, slug, version, format, receipt, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run('2026-11-01T10:00:00.000Z', 'ledger-newsroom', 'token', 'jti-1', 'story-a', 1, 'rss', 'wg-aaaa', 'NO');
    insert.run('2026-11-02T10:00:00.000Z', 'ledger-newsroom', 'feed-key', 'key-1', 'story-b', 2, 'atom', 'wg-bbbb', null);
    insert.run('2026-11-03T10:00:00.000Z', 'other-newsroom', 'session', 'jti-2', 'story-a', 1, 'html', 'wg-cccc', 'SE');
    const before = old.prepare('SELECT * FROM deliveries ORDER BY id').all();
    const plansBefore = queryPlans(old);
    old.close();

    const store = openSqlite(path);
    try {
      expect(store.db.prepare('SELECT * FROM deliveries ORDER BY id').all()).toEqual(before);
      const table = store.db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'`).pluck().get() as string;
      expect(table).not.toMatch(/AUTOINCREMENT/i);
      const indexes = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' ORDER BY name`).pluck().all();
      expect(indexes).toEqual(['deliveries_at', 'deliveries_credential', 'deliveries_licensee_at', 'deliveries_story']);
      // The same plans as before the rebuild, for the reports and the trace.
      expect(queryPlans(store.db)).toEqual(plansBefore);

      await account(
        store.driver,
        { licensee, credentialKind: 'token', credential: 'jti-3', format: 'json', country: undefined },
        [{ slug: 'story-c', version: 1, receipt: 'wg-dddd' }],
        Date.parse('2026-11-04T10:00:00Z'),
      );
      const ids = store.db.prepare('SELECT id FROM deliveries ORDER BY id').pluck().all();
      expect(ids).toEqual([1, 2, 3, 4]);
      const report = await usageReport(store.driver, {
        from: Date.parse('2026-11-01T00:00:00Z'),
        to: Date.parse('2026-12-01T00:00:00Z'),
        licensee: 'ledger-newsroom',
        group: 'credential',
      });
      expect(report.deliveries).toBe(3);
      expect(report.groups).toEqual([
        { key: 'feed-key:key-1', deliveries: 1 },
        { key: 'token:jti-1', deliveries: 1 },
        { key: 'token:jti-3', deliveries: 1 },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('0009: who manages each record', () => {
  it('records an operator changed, by the audit log, are the operator’s; the rest stay with the files', () => {
    const path = storeBefore('0009');
    const old = new Database(path);
    const story = old.prepare(
      `INSERT INTO stories (slug, version, status, published, updated, embargoed_until, record, write_id) VALUES (?, 1, 'usable', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL, '{}', ?)`,
    );
    for (const slug of ['from-files', 'killed', 'published-by-api']) story.run(slug, slug);
    for (const id of ['files-desk', 'suspended-desk']) old.prepare(`INSERT INTO licensees (id, record) VALUES (?, '{}')`).run(id);
    for (const id of ['world', 'sports']) old.prepare(`INSERT INTO feeds (id, record) VALUES (?, '{}')`).run(id);
    const audit = old.prepare(`INSERT INTO audit (at, operator, action, target) VALUES ('2026-02-01T00:00:00Z', 'ops', ?, ?)`);
    audit.run('import', '3 stories, 2 feeds, 2 licensees');
    audit.run('kill', 'killed');
    audit.run('publish', 'published-by-api');
    audit.run('licensee.put', 'suspended-desk');
    audit.run('feed.put', 'sports');
    audit.run('revoke', 'from-files');
    old.close();

    const store = openSqlite(path);
    try {
      const managed = (table: string, key: string) =>
        Object.fromEntries(
          store.db
            .prepare(`SELECT ${key} AS id, managed_by FROM ${table}`)
            .all()
            .map((r) => [(r as { id: string }).id, (r as { managed_by: string }).managed_by]),
        );
      expect(managed('stories', 'slug')).toEqual({ 'from-files': 'files', killed: 'operator', 'published-by-api': 'operator' });
      expect(managed('licensees', 'id')).toEqual({ 'files-desk': 'files', 'suspended-desk': 'operator' });
      expect(managed('feeds', 'id')).toEqual({ world: 'files', sports: 'operator' });
    } finally {
      store.close();
    }
  });
});
