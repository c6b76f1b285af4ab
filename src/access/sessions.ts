// Desk sessions as a credential (SPEC §12): an opaque __Host- cookie standing for a license token
// that was judged at sign-in, re-judged against the registry on every request that uses it.

import { headerOf } from '../http/request-headers.ts';
import type { Registry } from '../registry/registry.ts';
import { deleteSession, insertSession, sessionByHash } from '../store/sessions.ts';
import type { SqlDriver } from '../store/sql.ts';
import type { Identity } from './decide.ts';
import { newSecret, SECRET_SHAPE, secretHash } from './opaque.ts';

export const SESSION_COOKIE = '__Host-wiregate-session';
export const SESSION_MAX_SECONDS = 12 * 3600;

/** The session cookie's value, if the request carries one of the right shape. */
export function sessionCookie(request: Request): string | undefined {
  const header = headerOf(request, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return SECRET_SHAPE.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** Whether the request names our cookie at all (even with a malformed value): it counts as a credential. */
export function hasSessionCookie(request: Request): boolean {
  return (headerOf(request, 'cookie') ?? '').split(';').some((part) => part.split('=')[0]?.trim() === SESSION_COOKIE);
}

/**
 * The identity a session stands for now, or null when it has ended: expired, its token revoked, its
 * licensee suspended or gone. An ended session is deleted, so it cannot come back when a suspension
 * is lifted; the editor signs in again.
 */
export async function sessionIdentity(db: SqlDriver, registry: Registry, value: string | undefined, now: number): Promise<Identity | null> {
  if (!value) return null;
  const hash = await secretHash(value);
  const s = await sessionByHash(db, hash);
  if (!s) return null;
  const licensee = registry.licensees.get(s.licensee);
  if (s.exp * 1000 <= now || registry.revoked.has(s.jti) || !licensee || licensee.status !== 'active') {
    await deleteSession(db, hash);
    return null;
  }
  const feeds = new Set(s.feeds);
  const token = {
    kind: 'license' as const,
    via: 'session' as const,
    iss: s.iss,
    sub: s.sub,
    jti: s.jti,
    iat: s.iat,
    exp: s.tokenExp,
    feeds,
    feedsKey: [...feeds].sort().join(','),
    scope: new Set(s.feeds.map((f) => `feed:${f}`)),
  };
  return { token, licensee };
}

/** Starts a session for a judged token: the cookie value (shown only to the browser) and its Max-Age. */
export async function startSession(db: SqlDriver, identity: Identity, now: number): Promise<{ value: string; maxAge: number }> {
  const { token, licensee } = identity;
  const nowS = Math.floor(now / 1000);
  const maxAge = Math.max(0, Math.min(SESSION_MAX_SECONDS, token.exp - nowS));
  const value = newSecret();
  await insertSession(
    db,
    await secretHash(value),
    { licensee: licensee.id, iss: token.iss, sub: token.sub, jti: token.jti, feeds: [...token.feeds], iat: token.iat, exp: nowS + maxAge, tokenExp: token.exp },
    now,
  );
  return { value, maxAge };
}

export async function endSession(db: SqlDriver, value: string | undefined): Promise<void> {
  if (value) await deleteSession(db, await secretHash(value));
}

/** RFC 6265bis §4.1.3.2: a __Host- cookie is Secure, has Path=/ and no Domain. */
export function sessionSetCookie(value: string, maxAge: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
}

export function sessionClearCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;
}

/**
 * Pages where the session cookie is a credential (SPEC §12): the desk and story pages in HTML.
 * Feeds, JSON and text never look at it.
 */
export function isSessionPage(path: string): boolean {
  return path === '/desk' || /^\/articles\/[^/.]+$/.test(path);
}
