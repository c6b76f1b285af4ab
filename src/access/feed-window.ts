// Which stories one page of a feed holds for one request: live items, and the killed or withheld ones to tombstone.

import type { Story } from '../catalog/types.ts';
import type { Snapshot } from '../store/snapshot.ts';
import type { Decision } from './decide.ts';
import { presenceOf, type Presence } from './lifecycle.ts';

export interface FeedWindow {
  readonly items: readonly { readonly story: Story; readonly presence: Presence }[];
  /** Killed or withheld stories among this page's span of the feed. */
  readonly gone: readonly Story[];
  readonly hasNext: boolean;
}

/**
 * Walks the feed in order, reading it from the store a chunk at a time, and stops once the page is
 * full: the work is bounded by the page (plus any tombstones on the way), not by the size of the feed.
 * Stories still under embargo for this request are left out by the store's query itself.
 */
export async function feedWindow(state: Snapshot, feedId: string, decision: Decision, now: number, page: number, size: number): Promise<FeedWindow> {
  const start = (page - 1) * size;
  const items: { story: Story; presence: Presence }[] = [];
  const gone: Story[] = [];
  const visible = { now, embargoAccess: decision.tier === 'licensed' && decision.licensee.embargoAccess === true };
  const chunk = size + 1;
  let seen = 0;
  for (let offset = 0; ; offset += chunk) {
    const stories = await state.feedStories(feedId, offset, chunk, visible);
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
    if (stories.length < chunk) return { items, gone, hasNext: false };
  }
}
