// Which stories one page of a feed holds for one request: live items, and the killed or withheld ones to tombstone.

import type { Story } from '../catalog/types.ts';
import type { Decision } from './decide.ts';
import { presenceOf, type Presence } from './lifecycle.ts';

export interface FeedWindow {
  readonly items: readonly { readonly story: Story; readonly presence: Presence }[];
  /** Killed or withheld stories among this page's span of the feed. */
  readonly gone: readonly Story[];
  readonly hasNext: boolean;
}

/**
 * Walks the feed in order and stops once the page is full: the work is bounded by the page
 * (plus any hidden stories on the way), not by the size of the feed.
 */
export function feedWindow(stories: readonly Story[], decision: Decision, now: number, page: number, size: number): FeedWindow {
  const start = (page - 1) * size;
  const items: { story: Story; presence: Presence }[] = [];
  const gone: Story[] = [];
  let seen = 0;
  for (const story of stories) {
    const presence = presenceOf(story, decision, now);
    if (presence.kind === 'hidden') continue;
    if (presence.kind === 'gone') {
      if (seen >= start) gone.push(story);
      continue;
    }
    if (seen >= start + size) return { items, gone, hasNext: true };
    if (seen >= start) items.push({ story, presence });
    seen++;
  }
  return { items, gone, hasNext: false };
}
