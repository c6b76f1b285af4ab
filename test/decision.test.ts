// The one story decision (src/access/story-decision.ts), its whole matrix: who is asking × where the
// story stands → full | excerpt | hidden | gone(code) | refused(code). Pure: no store, no HTTP.

import { describe, expect, it } from 'vitest';
import type { Caller } from '../src/access/access.ts';
import type { Identity } from '../src/access/decide.ts';
import { decideStory } from '../src/access/story-decision.ts';
import type { VerifiedToken } from '../src/access/verify-token.ts';
import type { Story } from '../src/catalog/types.ts';
import type { Licensee } from '../src/registry/registry.ts';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const FUTURE = '2026-12-03T00:00:00Z';
const PAST = '2026-12-01T00:00:00Z';

const base: Story = {
  slug: 's',
  headline: 'H',
  dateline: 'D',
  published: PAST,
  updated: PAST,
  version: 1,
  status: 'usable',
  source: 'S',
  rightsHolder: 'R',
  copyrightNotice: 'C',
  usageTerms: 'U',
  feeds: ['world'],
  body: ['a', 'b', 'c', 'd'],
};
const STORIES: Record<string, Story> = {
  usable: base,
  'embargoed, future': { ...base, status: 'embargoed', embargoedUntil: FUTURE },
  'embargoed, past': { ...base, status: 'embargoed', embargoedUntil: PAST },
  killed: { ...base, status: 'canceled', notice: 'n' },
  withheld: { ...base, status: 'withheld', notice: 'n' },
  'killed under embargo': { ...base, status: 'canceled', notice: 'n', embargoedUntil: FUTURE },
  'withheld under embargo': { ...base, status: 'withheld', notice: 'n', embargoedUntil: FUTURE },
};

function licensee(extra: Partial<Licensee> = {}): Licensee {
  return {
    id: 'l',
    name: 'L',
    status: 'active',
    license: 'LIC',
    feeds: ['world'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
    ...extra,
  };
}
function token(feeds: string[]): VerifiedToken {
  return {
    kind: 'license',
    iss: 'i',
    sub: 'l',
    jti: 'j',
    iat: 0,
    exp: 0,
    feeds: new Set(feeds),
    feedsKey: feeds.join(','),
    scope: new Set(feeds.map((f) => `feed:${f}`)),
  };
}
function caller(identity: Identity | null, country?: string): Caller {
  return { identity, scheme: 'Bearer', country: () => country };
}
const CALLERS: Record<string, Caller> = {
  anonymous: caller(null),
  entitled: caller({ token: token(['world']), licensee: licensee() }),
  'entitled, embargo access': caller({ token: token(['world']), licensee: licensee({ embargoAccess: true }) }),
  'other feed': caller({ token: token(['sports']), licensee: licensee() }),
  'license expired': caller({ token: token(['world']), licensee: licensee({ validUntil: '2021-01-01T00:00:00Z' }) }),
  'territory, no country': caller({ token: token(['world']), licensee: licensee({ territories: ['MA'] }) }),
  'territory, in it': caller({ token: token(['world']), licensee: licensee({ territories: ['MA'] }) }, 'MA'),
};

// Rows: callers; columns: the STORIES above, in order. f = full, e = excerpt, h = hidden (404),
// k / w = gone (410 story_killed / story_withheld), r:<code> = refused.
const MATRIX: Record<string, string[]> = {
  anonymous: ['e', 'h', 'e', 'k', 'w', 'h', 'h'],
  entitled: ['f', 'h', 'f', 'k', 'w', 'h', 'h'],
  'entitled, embargo access': ['f', 'f', 'f', 'k', 'w', 'k', 'w'],
  'other feed': ['r:feed_not_licensed', 'h', 'r:feed_not_licensed', 'k', 'w', 'h', 'h'],
  'license expired': ['r:license_expired', 'h', 'r:license_expired', 'k', 'w', 'h', 'h'],
  'territory, no country': ['r:territory_not_licensed', 'h', 'r:territory_not_licensed', 'k', 'w', 'h', 'h'],
  'territory, in it': ['f', 'h', 'f', 'k', 'w', 'h', 'h'],
};

function short(outcome: ReturnType<typeof decideStory>): string {
  switch (outcome.kind) {
    case 'full':
      return 'f';
    case 'excerpt':
      return 'e';
    case 'hidden':
      return 'h';
    case 'gone':
      return outcome.code === 'story_killed' ? 'k' : 'w';
    case 'refused':
      return `r:${outcome.code}`;
  }
}

describe('decideStory: the whole matrix', () => {
  const columns = Object.keys(STORIES);
  for (const [who, row] of Object.entries(MATRIX)) {
    it(who, () => {
      expect(columns.map((s) => short(decideStory(CALLERS[who]!, STORIES[s]!, NOW)))).toEqual(row);
    });
  }

  it('a full outcome is licensed and an excerpt is public: "licensed without a receipt" cannot come out of it', () => {
    const full = decideStory(CALLERS['entitled']!, base, NOW);
    expect(full.kind === 'full' && full.decision.tier).toBe('licensed');
    const excerpt = decideStory(CALLERS['anonymous']!, base, NOW);
    expect(excerpt.kind === 'excerpt' && excerpt.decision.tier).toBe('public');
  });
});
