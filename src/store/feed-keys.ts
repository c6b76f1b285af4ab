// Feed keys in the store (SPEC §11): issue, list, revoke, look up by hash, and the per-day client
// counts that sharing detection reads. Keys are not in snapshots: every request reads its key afresh.

import { iso } from './snapshot.ts';
import { sql, type SqlDriver } from './sql.ts';
import { auditRow, type Actor } from './writes.ts';

export interface FeedKeyRecord {
  readonly id: string;
  readonly licensee: string;
  readonly label: string;
  readonly feeds: readonly string[];
  readonly created: string;
  readonly expires: string | null;
  readonly revoked: string | null;
  readonly lastUsed: string | null;
  /** The last UTC day the key went past its licensee's network threshold, and how many it saw. */
  readonly flaggedDay: string | null;
  readonly flaggedNetworks: number | null;
  /** Set when the key was suspended for sharing: it answers 410 from then on. */
  readonly shared: string | null;
}

interface Row {
  id: string;
  licensee: string;
  label: string;
  feeds: string;
  created: string;
  expires: string | null;
  revoked: string | null;
  last_used: string | null;
  flagged_day: string | null;
  flagged_networks: number | null;
  shared: string | null;
}

const COLUMNS = `id, licensee, label, feeds, created, expires, revoked, last_used, flagged_day, flagged_networks, shared`;

function recordOf(row: Row): FeedKeyRecord {
  return {
    id: row.id,
    licensee: row.licensee,
    label: row.label,
    feeds: JSON.parse(row.feeds) as string[],
    created: row.created,
    expires: row.expires,
    revoked: row.revoked,
    lastUsed: row.last_used,
    flaggedDay: row.flagged_day,
    flaggedNetworks: row.flagged_networks,
    shared: row.shared,
  };
}

export interface NewFeedKey {
  readonly id: string;
  readonly licensee: string;
  readonly label: string;
  readonly feeds: readonly string[];
  readonly expires: string | null;
}

/** Stores a new key by its hash, with an audit row that names the key's id (never the key). */
export async function insertFeedKey(db: SqlDriver, key: NewFeedKey, hash: string, actor: Actor, now: number): Promise<FeedKeyRecord> {
  const created = iso(now);
  await db.batch([
    sql(
      `INSERT INTO feed_keys (id, licensee, hash, label, feeds, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      key.id,
      key.licensee,
      hash,
      key.label,
      JSON.stringify(key.feeds),
      created,
      key.expires,
    ),
    auditRow(actor, 'feed-key.issue', `${key.licensee}/${key.id}`, now),
  ]);
  return { ...key, created, revoked: null, lastUsed: null, flaggedDay: null, flaggedNetworks: null, shared: null };
}

export async function feedKeyByHash(db: SqlDriver, hash: string): Promise<FeedKeyRecord | undefined> {
  const row = await db.first<Row>(sql(`SELECT ${COLUMNS} FROM feed_keys WHERE hash = ?`, hash));
  return row ? recordOf(row) : undefined;
}

export async function feedKeysOf(db: SqlDriver, licensee: string): Promise<FeedKeyRecord[]> {
  const rows = await db.all<Row>(sql(`SELECT ${COLUMNS} FROM feed_keys WHERE licensee = ? ORDER BY created, id`, licensee));
  return rows.map(recordOf);
}

/** Revokes a licensee's key: 'revoked' now, 'already' if it was, 'unknown' if the licensee has no such key. */
export async function revokeFeedKey(db: SqlDriver, licensee: string, id: string, actor: Actor, now: number): Promise<'revoked' | 'already' | 'unknown'> {
  const [changed] = await db.batch([
    sql(`UPDATE feed_keys SET revoked = ? WHERE id = ? AND licensee = ? AND revoked IS NULL`, iso(now), id, licensee),
    sql(
      `INSERT INTO audit (at, operator, action, target) SELECT ?, ?, 'feed-key.revoke', ? WHERE EXISTS (SELECT 1 FROM feed_keys WHERE id = ? AND licensee = ?)`,
      iso(now),
      actor.operator,
      `${licensee}/${id}`,
      id,
      licensee,
    ),
  ]);
  if (changed === 1) return 'revoked';
  const exists = await db.first<{ id: string }>(sql(`SELECT id FROM feed_keys WHERE id = ? AND licensee = ?`, id, licensee));
  return exists ? 'already' : 'unknown';
}

/** One client seen on a key today: its network (prefix or cloud reader) and User-Agent. */
export interface ClientSighting {
  readonly network: string;
  readonly agent: string;
  /** For a cloud reader: how many people it fetches for. */
  readonly subscribers: number | null;
}

export interface DayCounts {
  readonly networks: number;
  readonly agents: number;
  readonly subscribers: number;
}

/** Records a sighting, forgets earlier days of this key, and answers today's counts. */
export async function recordClient(db: SqlDriver, keyId: string, day: string, seen: ClientSighting, now: number): Promise<DayCounts> {
  await db.batch([
    sql(`DELETE FROM feed_key_clients WHERE key_id = ? AND day < ?`, keyId, day),
    sql(
      "INSERT INTO feed_key_clients (key_id, day, kind, value, subscribers) VALUES (?, ?, 'net', ?, ?) " +
        'ON CONFLICT (key_id, day, kind, value) DO UPDATE SET subscribers = MAX(COALESCE(subscribers, 0), COALESCE(excluded.subscribers, 0))',
      keyId,
      day,
      seen.network,
      seen.subscribers,
    ),
    sql(`INSERT OR IGNORE INTO feed_key_clients (key_id, day, kind, value) VALUES (?, ?, 'ua', ?)`, keyId, day, seen.agent),
    sql(`UPDATE feed_keys SET last_used = ? WHERE id = ?`, iso(now), keyId),
  ]);
  return countsOf(db, keyId, day);
}

export async function countsOf(db: SqlDriver, keyId: string, day: string): Promise<DayCounts> {
  const row = await db.first<{ networks: number; agents: number; subscribers: number | null }>(
    sql(
      "SELECT SUM(kind = 'net') AS networks, SUM(kind = 'ua') AS agents, SUM(CASE WHEN kind = 'net' THEN COALESCE(subscribers, 0) ELSE 0 END) AS subscribers " +
        'FROM feed_key_clients WHERE key_id = ? AND day = ?',
      keyId,
      day,
    ),
  );
  return { networks: row?.networks ?? 0, agents: row?.agents ?? 0, subscribers: row?.subscribers ?? 0 };
}

/** Whether `network` has polled the key today already (it would not count again). */
export async function seenNetwork(db: SqlDriver, keyId: string, day: string, network: string): Promise<boolean> {
  const row = await db.first(sql(`SELECT 1 AS seen FROM feed_key_clients WHERE key_id = ? AND day = ? AND kind = 'net' AND value = ?`, keyId, day, network));
  return row !== undefined;
}

/** Marks a key as past its threshold today; with `suspend`, also as shared (410 from then on). */
export async function markSharing(db: SqlDriver, keyId: string, day: string, networks: number, suspend: boolean, now: number): Promise<void> {
  await db.batch([
    sql(
      `UPDATE feed_keys SET flagged_day = ?, flagged_networks = MAX(COALESCE(CASE WHEN flagged_day = ? THEN flagged_networks END, 0), ?) WHERE id = ?`,
      day,
      day,
      networks,
      keyId,
    ),
    ...(suspend ? [sql(`UPDATE feed_keys SET shared = COALESCE(shared, ?) WHERE id = ?`, iso(now), keyId)] : []),
  ]);
}
