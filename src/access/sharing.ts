// Sharing detection for feed keys (SPEC §11): who polls a key, as networks and User-Agents per UTC
// day, and the licensee's threshold. Only network prefixes are ever stored, never an address.

import type { CredentialUse } from '../http/respond.ts';
import { headerOf, socketAddress } from '../http/request-headers.ts';
import { Problem } from '../problem.ts';
import type { Licensee } from '../registry/registry.ts';
import type { Settings } from '../settings.ts';
import { iso } from '../store/snapshot.ts';
import { countsOf, markSharing, recordClient, seenNetwork, type ClientSighting } from '../store/feed-keys.ts';
import type { SqlDriver } from '../store/sql.ts';

export const DEFAULT_SHARING = Object.freeze({ maxNetworksPerDay: 5, action: 'flag' as const });

/**
 * The client's address from a trusted source only: the operator's header (WIREGATE_CLIENT_IP_HEADER),
 * else the socket (Node), else Cloudflare's CF-Connecting-IP (Workers, where no socket is visible and
 * Cloudflare itself sets the header). On Node the socket is always known, so a client's own
 * CF-Connecting-IP is never believed there.
 */
export function clientAddress(request: Request, settings: Settings): string | undefined {
  if (settings.clientIpHeader) return firstAddress(headerOf(request, settings.clientIpHeader));
  // A socket without an address is unknown: a client's own CF-Connecting-IP is never believed on Node.
  const address = socketAddress(request);
  if (address !== undefined) return address || undefined;
  return firstAddress(headerOf(request, 'cf-connecting-ip'));
}

function firstAddress(value: string | null): string | undefined {
  // X-Forwarded-For style lists: the first entry is the client as the trusted proxy saw it.
  const first = value?.split(',')[0]?.trim();
  return first ? first : undefined;
}

/** IPv4 /24 or IPv6 /48 as text ("192.0.2.0/24", "2001:db8:1::/48"); "unknown" for anything else. */
export function networkOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.replace(/^\[|\](:\d+)?$/g, '').replace(/%.*$/, '');
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(bare);
  if (v4) {
    const parts = v4.slice(1, 4).map(Number);
    return parts.every((p) => p <= 255) ? `${parts.join('.')}.0/24` : 'unknown';
  }
  const groups = expandIpv6(bare);
  return groups ? `${groups.slice(0, 3).join(':')}::/48` : 'unknown';
}

function expandIpv6(text: string): string[] | undefined {
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(':')) return undefined;
  const [head = '', tail, extra] = text.split('::');
  if (extra !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A dotted IPv4 tail counts as two groups; the /48 never reaches it, so it only has to be counted.
  const count = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const missing = 8 - count(left) - count(right);
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (!groups.slice(0, 3).every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => (g.includes('.') ? g : g.toLowerCase().replace(/^0+(?=.)/, '')));
}

/**
 * A cloud reader fetches once for many people and says so: "Feedly/1.0 (+http://…; 12 subscribers)".
 * It counts as one network (named by its product), whatever addresses it fetches from.
 */
export function cloudReader(agent: string): { name: string; subscribers: number } | undefined {
  const m = /\b(\d{1,9})\s+(?:subscribers?|readers?)\b/i.exec(agent);
  if (!m) return undefined;
  const name = (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}/.exec(agent)?.[0] ?? 'reader').toLowerCase();
  return { name, subscribers: Number(m[1]) };
}

export function sightingOf(request: Request, settings: Settings): ClientSighting {
  const agent = (headerOf(request, 'user-agent') ?? '').slice(0, 256);
  const cloud = cloudReader(agent);
  return cloud
    ? { network: `cloud:${cloud.name}`, agent, subscribers: cloud.subscribers }
    : { network: networkOf(clientAddress(request, settings)), agent, subscribers: null };
}

/**
 * The sharing watch of one poll with a key (SPEC §11), in two steps so that a request the route or
 * the quota refuses records nothing. `check` runs before the delivery is counted and only reads,
 * except for the one poll it refuses: a new network that takes a suspending key past its threshold
 * is recorded, the key suspended, and the poll answered 410. `record` runs once the delivery is
 * admitted: it counts the poll, and flags the key (or suspends it, if concurrent polls crossed the
 * threshold together) once it is past.
 */
export function sharingWatch(db: SqlDriver, keyId: string, licensee: Licensee, seen: ClientSighting, now: number): CredentialUse {
  const day = iso(now).slice(0, 10);
  const { maxNetworksPerDay, action } = licensee.sharing ?? DEFAULT_SHARING;
  const recordAndMark = async () => {
    const counts = await recordClient(db, keyId, day, seen, now);
    if (counts.networks > maxNetworksPerDay) await markSharing(db, keyId, day, counts.networks, action === 'suspend', now);
    return counts;
  };
  return {
    async check() {
      if (action !== 'suspend') return;
      const { networks } = await countsOf(db, keyId, day);
      if (networks < maxNetworksPerDay || (await seenNetwork(db, keyId, day, seen.network))) return;
      await recordAndMark();
      throw new Problem('feed_key_shared', { detail: 'This private feed URL was suspended: it was used from too many networks.' });
    },
    async record() {
      await recordAndMark();
    },
  };
}
