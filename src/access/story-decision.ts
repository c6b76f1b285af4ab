// The one answer to "what may this request have of this story?": full text, the excerpt, nothing
// (hidden: the same 404 as an unknown slug), gone (410) or a refusal. Routes switch on it.

import type { Story } from '../catalog/types.ts';
import type { ProblemCode } from '../problem.ts';
import type { Caller } from './access.ts';
import { entitle, isRefusal, type Decision } from './decide.ts';
import { isUnreleased, presenceOf, type Presence } from './lifecycle.ts';

export type StoryOutcome =
  | { readonly kind: 'full' | 'excerpt'; readonly decision: Decision; readonly presence: Presence }
  | { readonly kind: 'hidden' }
  | { readonly kind: 'gone'; readonly code: 'story_killed' | 'story_withheld'; readonly status: 'canceled' | 'withheld'; readonly notice: string }
  | { readonly kind: 'refused'; readonly code: ProblemCode };

export function decideStory(caller: Caller, story: Story, now: number): StoryOutcome {
  const verdict = entitle(caller.identity, { resourceFeeds: story.feeds, country: caller.country, now });
  const earlyAccess = !isRefusal(verdict) && verdict.tier === 'licensed' && verdict.licensee.embargoAccess === true;
  // Before its release a story does not exist for whoever may not see it early, whatever happened
  // to it meanwhile: no 403 (it would confirm the story), no 410, no tombstone.
  if (isUnreleased(story, now) && !earlyAccess) return HIDDEN;
  if (story.status === 'canceled' || story.status === 'withheld') {
    const code = story.status === 'canceled' ? 'story_killed' : 'story_withheld';
    return { kind: 'gone', code, status: story.status, notice: story.notice ?? '' };
  }
  if (isRefusal(verdict)) return { kind: 'refused', code: verdict.code };
  const presence = presenceOf(story, verdict, now);
  if (presence.kind === 'hidden') return HIDDEN;
  return { kind: verdict.tier === 'licensed' ? 'full' : 'excerpt', decision: verdict, presence };
}

const HIDDEN: StoryOutcome = Object.freeze({ kind: 'hidden' });
