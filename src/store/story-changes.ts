// The wire lifecycle as pure changes to a story record: each returns the next record or refuses.
// The operator API and the CLI both go through these, so both refuse the same impossible changes.

import type { Story } from '../catalog/types.ts';
import { Problem } from '../problem.ts';
import { iso } from './snapshot.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function conflict(detail: string): Problem {
  return new Problem('conflict', { detail });
}

function change(story: Story, verb: string, apply: (s: Mutable<Story>) => void): Story {
  if (story.status === 'canceled') throw conflict(`The story is killed; it cannot be ${verb}. Publish a new story instead.`);
  const next: Mutable<Story> = { ...story };
  apply(next);
  return next;
}

export function embargo(story: Story, until: string, now: number): Story {
  if (Date.parse(until) <= now) throw new Problem('invalid_field', { detail: 'until: must be a future instant.' });
  return change(story, 'embargoed', (s) => {
    s.status = 'embargoed';
    s.embargoedUntil = iso(Date.parse(until));
    delete s.notice;
  });
}

export function release(story: Story, now: number): Story {
  if (story.status === 'usable') throw conflict('The story is neither embargoed nor withheld.');
  return change(story, 'released', (s) => {
    s.status = 'usable';
    delete s.embargoedUntil;
    delete s.notice;
    // The story appears now: readers' caches and If-Modified-Since must see a change.
    s.updated = iso(now);
  });
}

/** Kill (final) or withhold (undone by release): 410 everywhere, the reason as the notice. */
export function takeDown(story: Story, status: 'canceled' | 'withheld', reason: string, now: number): Story {
  if (story.status === status) throw conflict(`The story is ${status === 'canceled' ? 'killed' : 'withheld'} already.`);
  return change(story, status === 'canceled' ? 'killed' : 'withheld', (s) => {
    // An embargo that has not ended yet stays on the record: until then the story does not exist
    // for anyone without embargo access, tombstone and advisory included (SECURITY.md).
    if (!(s.embargoedUntil && Date.parse(s.embargoedUntil) > now)) delete s.embargoedUntil;
    s.status = status;
    s.notice = reason;
    s.updated = iso(now);
  });
}

export function correct(
  story: Story,
  note: string,
  body: readonly string[] | undefined,
  now: number,
  headline?: { headline: string; dateline: string },
): Story {
  return change(story, 'corrected', (s) => {
    if (body) s.body = [...body];
    if (headline) {
      s.headline = headline.headline;
      s.dateline = headline.dateline;
    }
    s.version += 1;
    s.correction = note;
    s.updated = iso(now);
  });
}

/** Two records carry the same story when everything but their times and lifecycle agrees. */
export function sameContent(a: Story, b: Story): boolean {
  const fields = ['headline', 'dateline', 'source', 'rightsHolder', 'copyrightNotice', 'usageTerms'] as const;
  return fields.every((f) => a[f] === b[f]) && JSON.stringify(a.body) === JSON.stringify(b.body) && JSON.stringify(a.feeds) === JSON.stringify(b.feeds);
}
