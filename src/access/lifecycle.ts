// Where a story stands in its wire lifecycle for one request, decided at request time from the clock.

import type { Story } from '../catalog/types.ts';
import type { Decision } from './decide.ts';

export type Presence =
  /** Usable, or its embargo has passed: served as the decision allows. */
  | { readonly kind: 'live' }
  /** Under embargo and this licensee may see it early, with the embargo notice. */
  | { readonly kind: 'embargoed'; readonly until: string }
  /** Under embargo for this request: as if it did not exist (404, absent from feeds and the index). */
  | { readonly kind: 'hidden' }
  /** Killed or withheld: 410 for everyone, tombstoned in feeds. */
  | { readonly kind: 'gone'; readonly status: 'canceled' | 'withheld'; readonly notice: string };

export function presenceOf(story: Story, decision: Decision, now: number): Presence {
  switch (story.status) {
    case 'usable':
      return LIVE;
    case 'canceled':
    case 'withheld':
      // Killed or withheld before its embargo ended: until then it never existed for the public.
      if (isUnreleased(story, now) && !(decision.tier === 'licensed' && decision.licensee.embargoAccess)) return HIDDEN;
      return { kind: 'gone', status: story.status, notice: story.notice ?? '' };
    case 'embargoed': {
      if (!isUnreleased(story, now)) return LIVE;
      const until = story.embargoedUntil ?? '';
      return decision.tier === 'licensed' && decision.licensee.embargoAccess ? { kind: 'embargoed', until } : HIDDEN;
    }
  }
}

/** Under an embargo that has not ended at `now` (a killed or withheld story keeps the one it had). */
export function isUnreleased(story: Story, now: number): boolean {
  return story.embargoedUntil !== undefined && now < Date.parse(story.embargoedUntil);
}

const LIVE: Presence = Object.freeze({ kind: 'live' });
const HIDDEN: Presence = Object.freeze({ kind: 'hidden' });

/** When a released story last changed for a reader: its release instant if that is later than `updated`. */
export function effectiveUpdated(story: Story, now: number): string {
  const until = story.embargoedUntil;
  return until && now >= Date.parse(until) && until > story.updated ? until : story.updated;
}
