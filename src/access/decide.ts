// The pure answers to "who is this?" and "what may they have?": public, licensed, or a refusal code.

import type { ProblemCode } from '../problem.ts';
import type { Licensee } from '../registry/registry.ts';
import type { VerifiedToken } from './verify-token.ts';

/** A verified token whose licensee exists, is active and whose token is not revoked. */
export interface Identity {
  readonly token: VerifiedToken;
  readonly licensee: Licensee;
}

export type Decision =
  | { readonly tier: 'public'; readonly reason: 'anonymous' }
  | { readonly tier: 'licensed'; readonly reason: 'entitled'; readonly licensee: Licensee; readonly token: VerifiedToken };

export type Refusal = { readonly tier: 'refused'; readonly code: ProblemCode };

export const PUBLIC: Decision = Object.freeze({ tier: 'public', reason: 'anonymous' });

/** Step one, before any resource is looked up, so a bad token is refused the same way everywhere. */
export function identify(token: VerifiedToken, licensee: Licensee | undefined, revoked: boolean): Identity | Refusal {
  if (revoked) return refuse('token_revoked');
  if (!licensee) return refuse('licensee_unknown');
  if (licensee.status !== 'active') return refuse('licensee_suspended');
  return { token, licensee };
}

export interface ResourceFacts {
  /**
   * The feeds the requested resource belongs to (one for a feed, the story's feeds for a story),
   * or null for the licensee's own license documents, which need a valid license but no feed.
   */
  readonly resourceFeeds: readonly string[] | null;
  /** ISO 3166-1 alpha-2 country of the client, when known from a trusted source (asked only if needed). */
  readonly country: () => string | undefined;
  readonly now: number;
}

/** Step two: what an identified (or anonymous) request may have of one resource. */
export function entitle(identity: Identity | null, facts: ResourceFacts): Decision | Refusal {
  if (identity === null) return PUBLIC;
  const { token, licensee } = identity;
  if (facts.now < Date.parse(licensee.validFrom)) return refuse('license_not_yet_valid');
  if (facts.now > Date.parse(licensee.validUntil)) return refuse('license_expired');
  if (facts.resourceFeeds !== null) {
    if (!facts.resourceFeeds.some((feed) => grants(token.feeds, feed) && grants(licensee.feeds, feed))) {
      return refuse('feed_not_licensed');
    }
    if (licensee.territories) {
      const country = facts.country();
      if (!country || !licensee.territories.includes(country)) return refuse('territory_not_licensed');
    }
  }
  return { tier: 'licensed', reason: 'entitled', licensee, token };
}

/** The feeds both the token's scope and the licensee's file grant ("*" only when both say all). */
export function grantedFeeds(token: VerifiedToken, licensee: Licensee): string[] {
  if (token.feeds.has('*')) return [...licensee.feeds];
  return [...token.feeds].filter((feed) => grants(licensee.feeds, feed)).sort();
}

function grants(feeds: ReadonlySet<string> | readonly string[], feed: string): boolean {
  return 'has' in feeds ? feeds.has('*') || feeds.has(feed) : feeds.includes('*') || feeds.includes(feed);
}

function refuse(code: ProblemCode): Refusal {
  return { tier: 'refused', code };
}

export function isRefusal(value: object): value is Refusal {
  return 'tier' in value && value.tier === 'refused';
}
