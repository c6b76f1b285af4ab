// feeds/ and licenses/ are the import format: a new store is filled from them, `wiregate import` syncs
// them again (idempotent: records from the files replace those with the same id; nothing is deleted
// but a feed's members the file no longer lists, and the key sets, which the files own).

import type { DataFiles } from '../data.ts';
import { loadData } from '../data.ts';
import { readKeySet } from '../registry/registry.ts';
import { iso } from './snapshot.ts';
import { fingerprintStatement } from './trace-lookup.ts';
import { sql, type SqlDriver, type Statement } from './sql.ts';
import { auditRow, type Actor } from './writes.ts';

export async function importFiles(db: SqlDriver, files: DataFiles, actor: Actor, now: number): Promise<ImportCounts> {
  const ranks = await db.all<{ feed_id: string; top: number }>(sql(`SELECT feed_id, MAX(rank) AS top FROM feed_items GROUP BY feed_id`));
  const { statements, counts } = importStatements(files, actor, now, new Map(ranks.map((r) => [r.feed_id, r.top])));
  await db.batch(statements);
  return counts;
}

export interface ImportCounts {
  readonly stories: number;
  readonly feeds: number;
  readonly licensees: number;
}

/** The statements that sync the files into a store whose feeds end at `topOf` ranks (empty: a new store). */
export function importStatements(
  files: DataFiles,
  actor: Actor,
  now: number,
  topOf: ReadonlyMap<string, number> = new Map(),
): { statements: Statement[]; counts: ImportCounts } {
  const { catalog, registry } = loadData(files); // throws DataError naming each file and field at fault
  const operatorFile = files.licenses.find((f) => f.path === 'operator-jwks.json');
  const operatorKeys = operatorFile ? readKeySet(JSON.parse(operatorFile.text) as unknown) : { keys: [] };
  const statements: Statement[] = [];
  for (const story of catalog.stories.values()) {
    const record = JSON.stringify(story);
    const until = story.embargoedUntil ? iso(Date.parse(story.embargoedUntil)) : null;
    statements.push(
      sql(
        `INSERT INTO stories (slug, version, status, published, updated, embargoed_until, record, write_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET version = excluded.version, status = excluded.status, published = excluded.published,
           updated = excluded.updated, embargoed_until = excluded.embargoed_until, record = excluded.record, write_id = excluded.write_id
         WHERE stories.record <> excluded.record`,
        story.slug,
        story.version,
        story.status,
        story.published,
        story.updated,
        until,
        record,
        crypto.randomUUID(),
      ),
      sql(`INSERT OR IGNORE INTO story_versions (slug, version, record, created) VALUES (?, ?, ?, ?)`, story.slug, story.version, record, iso(now)),
      fingerprintStatement(story),
    );
  }
  for (const feed of catalog.feeds.values()) {
    const { stories, ...info } = feed;
    statements.push(
      sql(`INSERT INTO feeds (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`, feed.id, JSON.stringify(info)),
      sql(`DELETE FROM feed_items WHERE feed_id = ? AND slug NOT IN (SELECT value FROM json_each(?))`, feed.id, JSON.stringify(stories)),
      // The file lists newest first; members already in the store keep their place.
      ...stories.map((slug, i) =>
        sql(`INSERT OR IGNORE INTO feed_items (feed_id, slug, rank) VALUES (?, ?, ?)`, feed.id, slug, (topOf.get(feed.id) ?? 0) + stories.length - i),
      ),
    );
  }
  for (const licensee of registry.licensees.values()) {
    statements.push(
      sql(`INSERT INTO licensees (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`, licensee.id, JSON.stringify(licensee)),
    );
  }
  statements.push(sql(`DELETE FROM signing_keys`));
  for (const [kind, set] of [
    ['license', registry.jwks],
    ['operator', operatorKeys],
  ] as const) {
    for (const key of set.keys) statements.push(sql(`INSERT INTO signing_keys (kind, kid, jwk) VALUES (?, ?, ?)`, kind, key.kid, JSON.stringify(key)));
  }
  for (const jti of registry.revoked) statements.push(sql(`INSERT OR IGNORE INTO revocations (jti, at) VALUES (?, ?)`, jti, iso(now)));
  const terms = files.licenses.find((f) => f.path === 'terms.json');
  statements.push(
    terms
      ? sql(`INSERT INTO meta (key, value) VALUES ('terms', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, terms.text)
      : sql(`DELETE FROM meta WHERE key = 'terms'`),
    sql(`INSERT INTO meta (key, value) VALUES ('imported', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, iso(now)),
    auditRow(actor, 'import', `${catalog.stories.size} stories, ${catalog.feeds.size} feeds, ${registry.licensees.size} licensees`, now),
    sql(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`),
  );
  return { statements, counts: { stories: catalog.stories.size, feeds: catalog.feeds.size, licensees: registry.licensees.size } };
}

/** The statements as one SQL script with the values written in, for `wrangler d1 execute --file`. */
export function sqlScript(statements: readonly Statement[]): string {
  const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
  return (
    statements
      .map((s) => {
        let i = 0;
        return `${s.sql.replace(/\?/g, () => literal(s.params[i++]))};`;
      })
      .join('\n') + '\n'
  );
}

/** Fills a store that has never been filled; a store that has is left as it is. */
export async function importIfNew(db: SqlDriver, files: () => DataFiles, actor: Actor, now: number): Promise<boolean> {
  const imported = await db.first<{ value: string }>(sql(`SELECT value FROM meta WHERE key = 'imported'`));
  if (imported) return false;
  await importFiles(db, files(), actor, now);
  return true;
}
