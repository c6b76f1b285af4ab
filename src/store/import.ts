// feeds/ and licenses/ are the import format: a new store is filled from them, `wiregate import` syncs
// them again (idempotent: records from the files replace those with the same id that the files still
// manage; nothing is deleted but a feed's file-managed members the file no longer lists, and the key
// sets, which the files own). A story, feed or licensee an operator changed through the API or the CLI
// is the operator's from then on (migrations/0009): import leaves it as it is and says so, so that no
// kill, correction, withhold or suspension the API acknowledged is ever undone by a file.

import type { DataFiles } from '../data.ts';
import { loadData } from '../data.ts';
import { readKeySet } from '../registry/registry.ts';
import { iso } from './snapshot.ts';
import { fingerprintStatement } from './trace-lookup.ts';
import { sql, type SqlDriver, type Statement } from './sql.ts';
import { auditRow, type Actor } from './writes.ts';

export async function importFiles(db: SqlDriver, files: DataFiles, actor: Actor, now: number): Promise<ImportCounts> {
  const ranks = await db.all<{ feed_id: string; top: number }>(sql(`SELECT feed_id, MAX(rank) AS top FROM feed_items GROUP BY feed_id`));
  const { statements, counts, offered } = importStatements(files, actor, now, new Map(ranks.map((r) => [r.feed_id, r.top])));
  // The records the import will leave as they are: read first, for the report (the guards in the
  // statements decide, so an operator's change that lands in between is kept too, only not named).
  const kept = async (table: 'stories' | 'feeds' | 'licensees', key: 'slug' | 'id', records: ReadonlyMap<string, string>) => {
    const rows = await db.all<{ id: string; record: string }>(
      sql(
        `SELECT ${key} AS id, record FROM ${table} WHERE managed_by = 'operator' AND ${key} IN (SELECT value FROM json_each(?))`,
        JSON.stringify([...records.keys()]),
      ),
    );
    return rows
      .filter((r) => r.record !== records.get(r.id))
      .map((r) => r.id)
      .sort();
  };
  const report = {
    stories: await kept('stories', 'slug', offered.stories),
    feeds: await kept('feeds', 'id', offered.feeds),
    licensees: await kept('licensees', 'id', offered.licensees),
  };
  await db.batch(statements);
  return { ...counts, kept: report };
}

export interface ImportCounts {
  readonly stories: number;
  readonly feeds: number;
  readonly licensees: number;
  /** Records the files offer differently that an operator manages: left as they are (ids, sorted). */
  readonly kept?: { readonly stories: readonly string[]; readonly feeds: readonly string[]; readonly licensees: readonly string[] };
}

/**
 * Each of import's writes applies only to a record the files manage, or a new one (see the head of
 * this file); for a story's versions, fingerprints and feed places, this guard, with its slug.
 */
const FILES_MANAGE_STORY = `(SELECT managed_by FROM stories WHERE slug = ?) = 'files'`;

/** The statements that sync the files into a store whose feeds end at `topOf` ranks (empty: a new store). */
export function importStatements(
  files: DataFiles,
  actor: Actor,
  now: number,
  topOf: ReadonlyMap<string, number> = new Map(),
): { statements: Statement[]; counts: ImportCounts; offered: Record<'stories' | 'feeds' | 'licensees', Map<string, string>> } {
  const { catalog, registry } = loadData(files); // throws DataError naming each file and field at fault
  const operatorFile = files.licenses.find((f) => f.path === 'operator-jwks.json');
  const operatorKeys = operatorFile ? readKeySet(JSON.parse(operatorFile.text) as unknown) : { keys: [] };
  const statements: Statement[] = [];
  const offered = { stories: new Map<string, string>(), feeds: new Map<string, string>(), licensees: new Map<string, string>() };

  for (const story of catalog.stories.values()) {
    const record = JSON.stringify(story);
    offered.stories.set(story.slug, record);
    const until = story.embargoedUntil ? iso(Date.parse(story.embargoedUntil)) : null;
    statements.push(
      sql(
        `INSERT INTO stories (slug, version, status, published, updated, embargoed_until, record, write_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET version = excluded.version, status = excluded.status, published = excluded.published,
           updated = excluded.updated, embargoed_until = excluded.embargoed_until, record = excluded.record, write_id = excluded.write_id
         WHERE stories.record <> excluded.record AND stories.managed_by = 'files'`,
        story.slug,
        story.version,
        story.status,
        story.published,
        story.updated,
        until,
        record,
        crypto.randomUUID(),
      ),
      sql(
        `INSERT OR IGNORE INTO story_versions (slug, version, record, created) SELECT ?, ?, ?, ? WHERE ${FILES_MANAGE_STORY}`,
        story.slug,
        story.version,
        record,
        iso(now),
        story.slug,
      ),
      fingerprintStatement(story, FILES_MANAGE_STORY, [story.slug]),
    );
  }
  for (const feed of catalog.feeds.values()) {
    const { stories, ...info } = feed;
    offered.feeds.set(feed.id, JSON.stringify(info));
    statements.push(
      sql(
        `INSERT INTO feeds (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record WHERE feeds.managed_by = 'files'`,
        feed.id,
        JSON.stringify(info),
      ),
      // Membership follows the files for the stories they manage; a story published or changed
      // through the API keeps its place (its record names its feeds).
      sql(
        `DELETE FROM feed_items WHERE feed_id = ? AND slug NOT IN (SELECT value FROM json_each(?))
           AND slug IN (SELECT slug FROM stories WHERE managed_by = 'files')`,
        feed.id,
        JSON.stringify(stories),
      ),
      // The file lists newest first; members already in the store keep their place.
      ...stories.map((slug, i) =>
        sql(
          `INSERT OR IGNORE INTO feed_items (feed_id, slug, rank) SELECT ?, ?, ? WHERE ${FILES_MANAGE_STORY}`,
          feed.id,
          slug,
          (topOf.get(feed.id) ?? 0) + stories.length - i,
          slug,
        ),
      ),
    );
  }
  for (const licensee of registry.licensees.values()) {
    const record = JSON.stringify(licensee);
    offered.licensees.set(licensee.id, record);
    statements.push(
      sql(
        `INSERT INTO licensees (id, record) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record WHERE licensees.managed_by = 'files'`,
        licensee.id,
        record,
      ),
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
  return { statements, counts: { stories: catalog.stories.size, feeds: catalog.feeds.size, licensees: registry.licensees.size }, offered };
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
