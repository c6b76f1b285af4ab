-- wiregate's store (SPEC §10): one schema for SQLite on Node and D1 on Workers.
-- Applied by `wrangler d1 migrations apply DB` on Workers and by the Node store on open;
-- both record what ran in d1_migrations.

-- Every write bumps `generation` in the same transaction: readers compare it to what they hold.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', '1');

-- The current version of each story; `record` is the story as JSON (SPEC §1), the rest indexes it.
-- `write_id` changes on every write, so a batch can tell whether its own update is the one that landed.
CREATE TABLE stories (
  slug TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  published TEXT NOT NULL,
  updated TEXT NOT NULL,
  -- The embargo instant while one holds, and kept after a kill or withhold before it: until then
  -- the story does not exist for anyone without embargo access.
  embargoed_until TEXT,
  record TEXT NOT NULL,
  write_id TEXT NOT NULL
);
CREATE INDEX stories_published ON stories (published DESC, slug);
CREATE INDEX stories_embargo ON stories (embargoed_until) WHERE embargoed_until IS NOT NULL;

-- Every version a story has had: the trace index and the ledger name versions.
CREATE TABLE story_versions (
  slug TEXT NOT NULL,
  version INTEGER NOT NULL,
  record TEXT NOT NULL,
  created TEXT NOT NULL,
  PRIMARY KEY (slug, version)
);

CREATE TABLE feeds (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);

-- Feed membership in feed order: higher rank is newer.
CREATE TABLE feed_items (
  feed_id TEXT NOT NULL,
  slug TEXT NOT NULL,
  rank INTEGER NOT NULL,
  PRIMARY KEY (feed_id, slug)
);
CREATE INDEX feed_items_order ON feed_items (feed_id, rank DESC);

CREATE TABLE licensees (
  id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);

-- Trusted public keys: kind 'license' (licenses/jwks.json) or 'operator' (licenses/operator-jwks.json).
CREATE TABLE signing_keys (
  kind TEXT NOT NULL,
  kid TEXT NOT NULL,
  jwk TEXT NOT NULL,
  PRIMARY KEY (kind, kid)
);

CREATE TABLE revocations (
  jti TEXT PRIMARY KEY,
  at TEXT NOT NULL
);

-- Operator actions: never a token, a key or story text.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL
);
