// The one pure answer to "what may this request have?": public, licensed, or a refusal code.

import type { ProblemCode } from '../http/problem.ts';
import type { Licensee } from '../registry/registry.ts';
import type { VerifiedToken } from './verify-token.ts';

export type Decision =
  | { readonly tier: 'public'; readonly reason: 'anonymous' }
  | {
      readonly tier: 'licensed';
      readonly reason: 'entitled';
      readonly licensee: Licensee;
      readonly token: VerifiedToken;
    };

export type Verdict = Decision | { readonly tier: 'refused'; readonly code: ProblemCode };

export interface RequestFacts {
  /** A token whose signature and claims have verified, or null for an anonymous request. */
  readonly token: VerifiedToken | null;
  readonly licensee: Licensee | undefined;
  readonly revoked: boolean;
  /**
   * The feeds the requested resource belongs to (one for a feed, the story's feeds for a story),
   * or null for the licensee's own license documents, which need a valid license but no feed.
   */
  readonly resourceFeeds: readonly string[] | null;
  /** ISO 3166-1 alpha-2 country of the client, when known from a trusted source. */
  readonly country: string | undefined;
  readonly now: number;
}

export const PUBLIC: Decision = Object.freeze({ tier: 'public', reason: 'anonymous' });

export function decide(facts: RequestFacts): Verdict {
  const { token, licensee } = facts;
  if (token === null) return PUBLIC;
  if (facts.revoked) return refuse('token_revoked');
  if (!licensee) return refuse('licensee_unknown');
  if (licensee.status !== 'active') return refuse('licensee_suspended');
  if (facts.now < Date.parse(licensee.validFrom)) return refuse('license_not_yet_valid');
  if (facts.now > Date.parse(licensee.validUntil)) return refuse('license_expired');
  if (facts.resourceFeeds === null) return { tier: 'licensed', reason: 'entitled', licensee, token };
  if (!facts.resourceFeeds.some((feed) => grants(token.feeds, feed) && grants(licensee.feeds, feed))) {
    return refuse('feed_not_licensed');
  }
  if (licensee.territories && !(facts.country && licensee.territories.includes(facts.country))) {
    return refuse('territory_not_licensed');
  }
  return { tier: 'licensed', reason: 'entitled', licensee, token };
}

/** The feeds both the token's scope and the licensee's file grant ("*" only when both say all). */
export function grantedFeeds(token: VerifiedToken, licensee: Licensee): string[] {
  if (token.feeds.has('*')) return [...licensee.feeds];
  return [...token.feeds].filter((feed) => grants(licensee.feeds, feed)).sort();
}

function grants(feeds: ReadonlySet<string> | readonly string[], feed: string): boolean {
  const has = (f: string) => ('has' in feeds ? feeds.has(f) : feeds.includes(f));
  return has('*') || has(feed);
}

function refuse(code: ProblemCode): Verdict {
  return { tier: 'refused', code };
}
