// Every change to the store: one atomic batch per change, with its audit row and a generation bump.
// Story writes are guarded by a fresh write id, so of two racing writers exactly one lands and the
// other's statements all do nothing (no torn record, no stray audit row).

import type { FeedInfo, Story } from '../catalog/types.ts';
import { Problem } from '../problem.ts';
import type { Licensee } from '../registry/registry.ts';
import { iso, parseStory } from './snapshot.ts';
import { sql, type SqlDriver, type Statement } from './sql.ts';
import { sameContent } from './story-changes.ts';
import { fingerprintStatement } from './trace-lookup.ts';

/** Who made a change, for the audit log: an operator token's `sub`, or "cli:<user>". */
export interface Actor {
  readonly operator: string;
}

const BUMP = `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`;

export function auditRow(actor: Actor, action: string, target: string, now: number): Statement {
  return sql(`INSERT INTO audit (at, operator, action, target) VALUES (?, ?, ?, ?)`, iso(now), actor.operator, action, target);
}

/** The statements that write `story` in full, each guarded so it applies only with the row written by `writeId`. */
function storyStatements(story: Story, writeId: string, now: number): Statement[] {
  const guard = `(SELECT write_id FROM stories WHERE slug = ?) = ?`;
  return [
    sql(
      `INSERT OR IGNORE INTO story_versions (slug, version, record, created) SELECT ?, ?, ?, ? WHERE ${guard}`,
      story.slug,
      story.version,
      JSON.stringify(story),
      iso(now),
      story.slug,
      writeId,
    ),
    // The trace index follows every publish and correction (SPEC §14).
    fingerprintStatement(story, guard, [story.slug, writeId]),
  ];
}

function storyColumns(story: Story): [string, number, string, string, string, string | null, string] {
  const until = story.embargoedUntil ? iso(Date.parse(story.embargoedUntil)) : null;
  return [story.slug, story.version, story.status, story.published, story.updated, until, JSON.stringify(story)];
}

export async function readStory(db: SqlDriver, slug: string): Promise<{ story: Story; writeId: string } | undefined> {
  const row = await db.first<{ record: string; write_id: string }>(sql(`SELECT record, write_id FROM stories WHERE slug = ?`, slug));
  return row ? { story: parseStory(row.record), writeId: row.write_id } : undefined;
}

/** Publishes a new story: created, or the same content already there; other content under its slug is 409. */
export async function publishStory(db: SqlDriver, story: Story, actor: Actor, now: number): Promise<{ created: boolean; story: Story }> {
  const existing = await readStory(db, story.slug);
  if (existing) return sameOrConflict(existing.story, story);
  const writeId = crypto.randomUUID();
  const guard = `(SELECT write_id FROM stories WHERE slug = ?) = ?`;
  const [inserted] = await db.batch([
    sql(
      `INSERT INTO stories (slug, version, status, published, updated, embargoed_until, record, write_id, managed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'operator') ON CONFLICT (slug) DO NOTHING`,
      ...storyColumns(story),
      writeId,
    ),
    ...storyStatements(story, writeId, now),
    ...story.feeds.map((feed) =>
      sql(
        `INSERT OR IGNORE INTO feed_items (feed_id, slug, rank) SELECT ?, ?, COALESCE((SELECT MAX(rank) FROM feed_items WHERE feed_id = ?), 0) + 1 WHERE ${guard}`,
        feed,
        story.slug,
        feed,
        story.slug,
        writeId,
      ),
    ),
    sql(`INSERT INTO audit (at, operator, action, target) SELECT ?, ?, 'publish', ? WHERE ${guard}`, iso(now), actor.operator, story.slug, story.slug, writeId),
    sql(`${BUMP} AND ${guard}`, story.slug, writeId),
  ]);
  if (inserted === 1) return { created: true, story };
  // Another writer published this slug between our read and our write.
  const winner = await readStory(db, story.slug);
  if (!winner) throw new Problem('conflict', { detail: 'The story changed while it was being published; try again.' });
  return sameOrConflict(winner.story, story);
}

function sameOrConflict(stored: Story, offered: Story): { created: false; story: Story } {
  if (sameContent(stored, offered)) return { created: false, story: stored };
  throw new Problem('conflict', { detail: 'Another story is stored under this slug; use correct to change it.' });
}

/** Applies `next` to a story, only if nobody else changed it since it was read. */
export async function changeStory(db: SqlDriver, slug: string, action: string, actor: Actor, now: number, next: (story: Story) => Story): Promise<Story> {
  const current = await readStory(db, slug);
  if (!current) throw new Problem('not_found', { detail: 'No such story.' });
  const story = next(current.story);
  const writeId = crypto.randomUUID();
  const guard = `(SELECT write_id FROM stories WHERE slug = ?) = ?`;
  const [updated] = await db.batch([
    sql(
      // From now on the operator manages the story: `wiregate import` leaves it as it is (migrations/0009).
      `UPDATE stories SET version = ?, status = ?, published = ?, updated = ?, embargoed_until = ?, record = ?, write_id = ?, managed_by = 'operator' WHERE slug = ? AND write_id = ?`,
      ...storyColumns(story).slice(1),
      writeId,
      slug,
      current.writeId,
    ),
    ...storyStatements(story, writeId, now),
    sql(`INSERT INTO audit (at, operator, action, target) SELECT ?, ?, ?, ? WHERE ${guard}`, iso(now), actor.operator, action, slug, slug, writeId),
    sql(`${BUMP} AND ${guard}`, slug, writeId),
  ]);
  if (updated !== 1) throw new Problem('conflict', { detail: 'The story changed while this change was being made; try again.' });
  return story;
}

/**
 * The registry's keyed records (feeds, licensees): created or replaced whole, audited as `<kind>.put`.
 * A feed's stories stay as they are.
 */
const RECORD_TABLES = { feed: 'feeds', licensee: 'licensees' } as const;
export interface RecordKinds {
  readonly feed: FeedInfo;
  readonly licensee: Licensee;
}

export async function putRecord<K extends keyof RecordKinds>(
  db: SqlDriver,
  kind: K,
  record: RecordKinds[K],
  actor: Actor,
  now: number,
): Promise<{ created: boolean }> {
  const table = RECORD_TABLES[kind];
  const text = JSON.stringify(record);
  const [changed] = await db.batch([
    sql(`INSERT INTO ${table} (id, record, managed_by) VALUES (?, ?, 'operator') ON CONFLICT (id) DO NOTHING`, record.id, text),
    sql(`UPDATE ${table} SET record = ?, managed_by = 'operator' WHERE id = ?`, text, record.id),
    auditRow(actor, `${kind}.put`, record.id, now),
    sql(BUMP),
  ]);
  return { created: changed === 1 };
}

export async function revoke(db: SqlDriver, jti: string, actor: Actor, now: number): Promise<{ created: boolean }> {
  const [changed] = await db.batch([
    sql(`INSERT INTO revocations (jti, at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING`, jti, iso(now)),
    auditRow(actor, 'revoke', jti, now),
    sql(BUMP),
  ]);
  return { created: changed === 1 };
}

export interface AuditEntry {
  readonly time: string;
  readonly operator: string;
  readonly action: string;
  readonly target: string;
}

export function auditLog(db: SqlDriver, limit = 100, before?: number): Promise<AuditEntry[]> {
  return db.all<AuditEntry>(
    sql(`SELECT at AS time, operator, action, target FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`, before ?? Number.MAX_SAFE_INTEGER, limit),
  );
}

/** Trusts one more public key (kind "license" or "operator"), as `wiregate keys generate` adds it to the files. */
export async function addSigningKey(db: SqlDriver, kind: 'license' | 'operator', jwk: { kid: string }, actor: Actor, now: number): Promise<void> {
  await db.batch([
    sql(
      `INSERT INTO signing_keys (kind, kid, jwk) VALUES (?, ?, ?) ON CONFLICT (kind, kid) DO UPDATE SET jwk = excluded.jwk`,
      kind,
      jwk.kid,
      JSON.stringify(jwk),
    ),
    auditRow(actor, `key.add.${kind}`, jwk.kid, now),
    sql(BUMP),
  ]);
}
