// What `wiregate token` refuses before signing: every token the gateway itself would refuse (SPEC §3, §4).

import type { Registry } from '../registry/registry.ts';
import { UsageError } from './usage.ts';

const UNITS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
const FEED_ID = /^(\*|[a-z0-9][a-z0-9-]{0,63})$/;

/** "30d", "12h", "90m", "30s"; a bare number is refused, since "30" could mean seconds or days. */
export function parseTtl(text: string, maxSeconds: number): number {
  const m = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (!m) throw new UsageError(`--ttl "${text}" needs a unit: 30s, 90m, 12h or 30d`);
  const seconds = Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
  if (seconds <= 0) throw new UsageError('--ttl must be more than zero');
  if (seconds > maxSeconds) {
    throw new UsageError(
      `--ttl ${text} is longer than the gateway accepts (${maxSeconds / 86_400} days, WIREGATE_MAX_TOKEN_DAYS); the server would refuse the token`,
    );
  }
  return seconds;
}

/**
 * The licensee named by --sub, and a scope whose every entry is `feed:<id>` the licensee holds.
 * `now` is the instant the token is issued.
 */
export function checkTokenRequest(registry: Registry, sub: string, scope: string, now: number, expires: number): void {
  const licensee = registry.licensees.get(sub);
  if (!licensee) {
    const known = [...registry.licensees.keys()].sort().join(', ') || 'none';
    throw new UsageError(`--sub "${sub}" is not a licensee in licenses/ (known: ${known}); the server would refuse the token`);
  }
  if (licensee.status !== 'active') throw new UsageError(`licensee "${sub}" is ${licensee.status}; the server would refuse the token`);
  if (Date.parse(licensee.validUntil) <= now)
    throw new UsageError(`the license of "${sub}" ended at ${licensee.validUntil}; the server would refuse the token`);
  if (Date.parse(licensee.validFrom) > now)
    throw new UsageError(`the license of "${sub}" starts at ${licensee.validFrom}; the server would refuse the token until then`);
  const entries = scope.split(' ');
  if (entries.some((e) => e === '')) throw new UsageError('--scope is a list of feed:<id> separated by single spaces');
  for (const entry of entries) {
    const id = entry.startsWith('feed:') ? entry.slice(5) : undefined;
    if (id === undefined || !FEED_ID.test(id))
      throw new UsageError(`--scope entry "${entry}" is not feed:<id> (e.g. feed:world, or feed:* for all the licensee's feeds)`);
    if (id !== '*' && !licensee.feeds.includes('*') && !licensee.feeds.includes(id)) {
      throw new UsageError(`licensee "${sub}" is not licensed for feed "${id}" (licensed: ${licensee.feeds.join(', ')}); the server would refuse the token`);
    }
  }
  if (expires > Date.parse(licensee.validUntil)) {
    process.stderr.write(`note: the token outlives the license of "${sub}", which ends at ${licensee.validUntil}; it is refused after that\n`);
  }
}
