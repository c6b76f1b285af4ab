// Feed keys as a credential (SPEC §11): issuing one (the key shown once), listing them, and turning a
// key from a private feed URL into an identity, with the refusals of §11 (404, 410, 403).

import { Problem } from '../problem.ts';
import type { CredentialUse } from '../http/respond.ts';
import type { Registry } from '../registry/registry.ts';
import { urlsFor } from '../render/view.ts';
import { formatLinks, type FeedKey } from '../routes/table.ts';
import type { Settings } from '../settings.ts';
import { countsOf, feedKeyByHash, feedKeysOf, insertFeedKey, type FeedKeyRecord } from '../store/feed-keys.ts';
import { iso } from '../store/snapshot.ts';
import type { SqlDriver } from '../store/sql.ts';
import type { Actor } from '../store/writes.ts';
import type { Identity } from './decide.ts';
import { newPublicId, newSecret, SECRET_SHAPE, secretHash } from './opaque.ts';
import { DEFAULT_SHARING, sharingWatch, sightingOf } from './sharing.ts';
import type { VerifiedToken } from './verify-token.ts';

/**
 * The issuer receipts name for copies fetched with a feed key: a receipt is
 * receiptId(secret, {iss: "feed-key", sub: <licensee id>, jti: <key id>}, slug, version), so
 * `wiregate receipt --iss feed-key --sub <licensee> --jti <key id> --slug …` recomputes it.
 */
export const FEED_KEY_ISSUER = 'feed-key';

const FEED_ID = /^(\*|[a-z0-9][a-z0-9-]{0,63})$/;

/** The private URLs of one feed for a key (the key is in them: shown once, at issue). */
export function privateUrls(settings: Settings, key: string, feed: string): Record<FeedKey, string> {
  const urls = urlsFor(settings);
  return formatLinks((file) => urls.privateFeed(key, feed, file));
}

export interface IssueContext {
  readonly db: SqlDriver;
  readonly registry: Registry;
  /** The catalog's feed ids, to spell out the URLs of a key for "*". */
  readonly feedIds: readonly string[];
  readonly settings: Settings;
  readonly actor: Actor;
  readonly now: number;
}

/** Issues a key for a licensee from a request body `{feeds, label?, expires?}`; the answer is the only place the key appears. */
export async function issueFeedKey(ctx: IssueContext, licenseeId: string, body: Record<string, unknown>) {
  const licensee = ctx.registry.licensees.get(licenseeId);
  if (!licensee) throw new Problem('not_found', { detail: 'No such licensee.' });
  for (const name of Object.keys(body)) {
    if (!['feeds', 'label', 'expires'].includes(name)) throw new Problem('invalid_field', { detail: `${name}: is not a known field.` });
  }
  const feeds = body['feeds'];
  if (!Array.isArray(feeds) || feeds.length === 0 || feeds.length > 100 || !feeds.every((f) => typeof f === 'string' && FEED_ID.test(f))) {
    throw new Problem('invalid_field', { detail: 'feeds: must be a non-empty list of feed ids (or "*").' });
  }
  const granted = (f: string) => licensee.feeds.includes('*') || licensee.feeds.includes(f);
  const outside = (feeds as string[]).find((f) => (f === '*' ? !licensee.feeds.includes('*') : !granted(f)));
  if (outside !== undefined) throw new Problem('invalid_field', { detail: `feeds: the licensee's file does not grant "${outside}".` });
  const label = body['label'] ?? '';
  if (typeof label !== 'string' || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label)) {
    throw new Problem('invalid_field', { detail: 'label: must be a string of at most 200 characters.' });
  }
  const expires = body['expires'];
  let expiresIso: string | null = null;
  if (expires !== undefined) {
    const ok =
      typeof expires === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(expires) &&
      !Number.isNaN(Date.parse(expires));
    if (!ok || Date.parse(expires) <= ctx.now) throw new Problem('invalid_field', { detail: 'expires: must be a future ISO 8601 time with a zone.' });
    expiresIso = iso(Date.parse(expires));
  }
  const key = newSecret();
  const unique = [...new Set(feeds as string[])].sort();
  const record = await insertFeedKey(
    ctx.db,
    { id: newPublicId('fk_'), licensee: licensee.id, label, feeds: unique, expires: expiresIso },
    await secretHash(key),
    ctx.actor,
    ctx.now,
  );
  const concrete = unique.includes('*') ? ctx.feedIds.filter(granted) : unique;
  const first = concrete[0] ?? unique[0]!;
  return {
    id: record.id,
    key,
    urls: privateUrls(ctx.settings, key, first),
    // Every feed the key covers, when it covers more than the one `urls` names.
    feedUrls: Object.fromEntries(concrete.map((f) => [f, privateUrls(ctx.settings, key, f)])),
    licensee: licensee.id,
    label,
    feeds: unique,
    created: record.created,
    expires: record.expires,
  };
}

export type FeedKeyStatus = 'active' | 'revoked' | 'expired' | 'suspended';

export function statusOf(key: FeedKeyRecord, now: number): FeedKeyStatus {
  if (key.revoked) return 'revoked';
  if (key.shared) return 'suspended';
  if (key.expires && Date.parse(key.expires) <= now) return 'expired';
  return 'active';
}

/** The key list: ids, labels, feeds, dates and sharing facts; never the key (the store has only its hash). */
export async function listFeedKeys(db: SqlDriver, registry: Registry, licenseeId: string, now: number) {
  const licensee = registry.licensees.get(licenseeId);
  if (!licensee) throw new Problem('not_found', { detail: 'No such licensee.' });
  const day = iso(now).slice(0, 10);
  const keys = await feedKeysOf(db, licenseeId);
  const threshold = licensee.sharing ?? DEFAULT_SHARING;
  return {
    licensee: licenseeId,
    sharing: threshold,
    keys: await Promise.all(
      keys.map(async (k) => {
        const today = await countsOf(db, k.id, day);
        return {
          id: k.id,
          label: k.label,
          feeds: k.feeds,
          created: k.created,
          expires: k.expires,
          lastUsed: k.lastUsed,
          revoked: k.revoked,
          status: statusOf(k, now),
          sharing: {
            flagged: k.flaggedDay !== null,
            flaggedDay: k.flaggedDay,
            flaggedNetworks: k.flaggedNetworks,
            suspended: k.shared,
            today: { day, networks: today.networks, userAgents: today.agents, subscribers: today.subscribers },
          },
        };
      }),
    ),
  };
}

/**
 * The identity a private feed URL stands for, or the §11 refusal, with the key's sharing watch for
 * the route to run around the delivery (a poll the route refuses records nothing). Every check reads
 * the store and registry afresh, so a revocation, suspension or sharing verdict applies to the very
 * next poll.
 */
export async function identifyFeedKey(
  db: SqlDriver,
  registry: Registry,
  key: string,
  request: Request,
  settings: Settings,
  now: number,
): Promise<{ identity: Identity; use: CredentialUse }> {
  // Fixed details only: nothing of the URL (which holds the key) is ever echoed.
  const record = SECRET_SHAPE.test(key) ? await feedKeyByHash(db, await secretHash(key)) : undefined;
  if (!record) throw new Problem('feed_key_unknown', { detail: 'No such private feed.' });
  switch (statusOf(record, now)) {
    case 'revoked':
      throw new Problem('feed_key_revoked', { detail: 'This private feed URL has been revoked.' });
    case 'suspended':
      throw new Problem('feed_key_shared', { detail: 'This private feed URL was suspended: it was used from too many networks.' });
    case 'expired':
      throw new Problem('feed_key_expired', { detail: 'This private feed URL has expired.' });
    case 'active':
      break;
  }
  const licensee = registry.licensees.get(record.licensee);
  if (licensee?.status !== 'active') {
    throw new Problem('feed_key_licensee_suspended', { detail: 'The license behind this private feed URL is suspended.' });
  }
  return { identity: { token: keyToken(record), licensee }, use: sharingWatch(db, record.id, licensee, sightingOf(request, settings), now) };
}

/** What a license token with scope feed:<each key feed> would be, with the key's id as its jti. */
function keyToken(key: FeedKeyRecord): VerifiedToken {
  const feeds = new Set(key.feeds);
  const seconds = (at: string) => Math.floor(Date.parse(at) / 1000);
  return {
    kind: 'license',
    via: 'feed-key',
    iss: FEED_KEY_ISSUER,
    sub: key.licensee,
    jti: key.id,
    iat: seconds(key.created),
    exp: key.expires ? seconds(key.expires) : Number.MAX_SAFE_INTEGER,
    feeds,
    feedsKey: [...feeds].sort().join(','),
    scope: new Set(key.feeds.map((f) => `feed:${f}`)),
  };
}
