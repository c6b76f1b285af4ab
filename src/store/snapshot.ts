// What every request reads of the store, for one generation: the registry and feed list whole (small),
// stories and feed pages on demand with bounded per-generation caches. A write bumps the generation.

import type { FeedInfo, Story } from '../catalog/types.ts';
import { loadRegistry, readKeySet, type PublicJwk, type Registry } from '../registry/registry.ts';
import { sql, type SqlDriver, type SqlValue } from './sql.ts';

export interface Snapshot {
  readonly generation: number;
  /** When this snapshot was last confirmed current (ms). */
  readonly registry: Registry;
  readonly operatorKeys: { readonly keys: readonly PublicJwk[] };
  readonly feeds: ReadonlyMap<string, FeedInfo>;
  /** The latest `updated` of any story: Last-Modified of catalog-wide documents. */
  readonly updated: string;
  story(slug: string): Promise<Story | undefined>;
  /** A feed's stories in feed order (newest first) from `offset`, without those hidden at `hiddenAt`. */
  feedStories(feedId: string, offset: number, limit: number, visible: Visibility): Promise<Story[]>;
  /** The newest stories the public may see at `now`, live ones only. */
  newest(limit: number, now: number): Promise<Story[]>;
  /** The first embargo release after `now` in a feed (or anywhere, for null), in ms. */
  nextRelease(feedId: string | null, now: number): Promise<number | undefined>;
  /** Distinct rights holders and copyright notices of the catalog (for RSL and the license page). */
  rights(): Promise<{ holders: string[]; notices: string[] }>;
  /** Per-generation memo for derived things (render caches); dies with the snapshot. */
  readonly memo: Map<string, unknown>;
}

/** Who is asking decides which unreleased stories exist for them. */
export interface Visibility {
  readonly now: number;
  /** Licensees with embargo access see stories before release. */
  readonly embargoAccess: boolean;
}

const STORY_CACHE = 5_000;

export async function loadSnapshot(db: SqlDriver, generation: number, extraLicenseKeys: readonly PublicJwk[] = []): Promise<Snapshot> {
  const [meta, licensees, keys, revoked, feeds, updated] = await Promise.all([
    db.all<{ key: string; value: string }>(sql(`SELECT key, value FROM meta`)),
    db.all<{ id: string; record: string }>(sql(`SELECT id, record FROM licensees ORDER BY id`)),
    db.all<{ kind: string; jwk: string }>(sql(`SELECT kind, jwk FROM signing_keys ORDER BY kind, kid`)),
    db.all<{ jti: string }>(sql(`SELECT jti FROM revocations`)),
    db.all<{ id: string; record: string }>(sql(`SELECT id, record FROM feeds ORDER BY id`)),
    db.first<{ updated: string | null }>(sql(`SELECT MAX(updated) AS updated FROM stories`)),
  ]);
  const terms = meta.find((m) => m.key === 'terms')?.value;
  const keysOf = (kind: string) => keys.filter((k) => k.kind === kind).map((k) => JSON.parse(k.jwk) as unknown);
  // The records were validated when written; the same reader builds the registry the files would.
  const { registry } = loadRegistry([
    ...licensees.map((l) => ({ path: `${l.id}.json`, text: l.record })),
    { path: 'jwks.json', text: JSON.stringify({ keys: [...keysOf('license'), ...extraLicenseKeys] }) },
    { path: 'revoked.json', text: JSON.stringify({ jti: revoked.map((r) => r.jti) }) },
    ...(terms ? [{ path: 'terms.json', text: terms }] : []),
  ]);
  const operatorKeys = readKeySet({ keys: keysOf('operator') });
  const feedMap = new Map(feeds.map((f) => [f.id, Object.freeze(JSON.parse(f.record) as FeedInfo)]));
  const stories = new Map<string, Promise<Story | undefined>>();
  const releases = new Map<string | null, { at: number | undefined; from: number }>();
  let rights: Promise<{ holders: string[]; notices: string[] }> | undefined;

  return {
    generation,
    registry,
    operatorKeys,
    feeds: feedMap,
    updated: updated?.updated ?? '1970-01-01T00:00:00Z',
    memo: new Map(),
    story(slug) {
      let hit = stories.get(slug);
      if (!hit) {
        if (stories.size >= STORY_CACHE) stories.delete(stories.keys().next().value!);
        hit = db.first<{ record: string }>(sql(`SELECT record FROM stories WHERE slug = ?`, slug)).then((r) => (r ? parseStory(r.record) : undefined));
        stories.set(slug, hit);
      }
      return hit;
    },
    async feedStories(feedId, offset, limit, visible) {
      const rows = await db.all<{ record: string }>(
        sql(
          'SELECT s.record FROM feed_items f JOIN stories s ON s.slug = f.slug ' +
            'WHERE f.feed_id = ? AND (? = 1 OR s.embargoed_until IS NULL OR s.embargoed_until <= ?) ' +
            'ORDER BY f.rank DESC LIMIT ? OFFSET ?',
          feedId,
          visible.embargoAccess ? 1 : 0,
          iso(visible.now),
          limit,
          offset,
        ),
      );
      return rows.map((r) => parseStory(r.record));
    },
    async newest(limit, now) {
      const rows = await db.all<{ record: string }>(
        sql(
          "SELECT record FROM stories WHERE status IN ('usable', 'embargoed') AND (embargoed_until IS NULL OR embargoed_until <= ?) " +
            'ORDER BY published DESC, slug LIMIT ?',
          iso(now),
          limit,
        ),
      );
      return rows.map((r) => parseStory(r.record));
    },
    async nextRelease(feedId, now) {
      // Valid until it passes: no new embargo can appear without a new generation.
      const known = releases.get(feedId);
      if (known && (known.at === undefined ? true : now < known.at) && now >= known.from) return known.at;
      const params: SqlValue[] = [iso(now)];
      const inFeed = feedId === null ? '' : 'AND slug IN (SELECT slug FROM feed_items WHERE feed_id = ?)';
      if (feedId !== null) params.push(feedId);
      const row = await db.first<{ at: string | null }>(sql(`SELECT MIN(embargoed_until) AS at FROM stories WHERE embargoed_until > ? ${inFeed}`, ...params));
      const at = row?.at ? Date.parse(row.at) : undefined;
      releases.set(feedId, { at, from: now });
      return at;
    },
    rights() {
      rights ??= Promise.all([
        db.all<{ v: string }>(sql(`SELECT DISTINCT json_extract(record, '$.rightsHolder') AS v FROM stories ORDER BY v`)),
        db.all<{ v: string }>(sql(`SELECT DISTINCT json_extract(record, '$.copyrightNotice') AS v FROM stories ORDER BY v`)),
      ]).then(([h, n]) => ({ holders: h.map((r) => r.v), notices: n.map((r) => r.v) }));
      return rights;
    },
  };
}

export function parseStory(record: string): Story {
  const story = JSON.parse(record) as Story;
  for (const v of Object.values(story)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(story);
}

const isoOf = { second: Number.NaN, text: '' };

/** Instants are stored as ISO 8601 UTC with seconds ("…:00Z"), so they compare as text. */
export function iso(ms: number): string {
  // Whole seconds: every ledger row of a second shares one string (an invalid `ms` still throws).
  const second = Math.floor(ms / 1000);
  if (second !== isoOf.second) {
    isoOf.text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    isoOf.second = second;
  }
  return isoOf.text;
}
