// CLI commands that move a story through its wire lifecycle on the store: the same pure changes and
// guarded writes as the operator API (or, with --remote, that API itself), then a WebSub ping.

import { readFileSync } from 'node:fs';
import type { Story } from '../catalog/types.ts';
import { ingest } from '../ingest/ingest.ts';
import { notifyHub } from '../store/releases.ts';
import * as changes from '../store/story-changes.ts';
import { changeStory } from '../store/writes.ts';
import { cliActor, err, out, remoteCall, withLocalStore } from './store-access.ts';

type Flags = Record<string, string | boolean | undefined>;

/**
 * A strict ISO 8601 instant with a zone ("Z" or "+02:00"), as UTC. Date.parse alone would take
 * "1" or 30 February and quietly store some other instant; a local time would depend on the machine.
 */
export function isoInstant(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.exec(text.trim());
  const [y, mo, d, h, mi, s] = (m ?? []).slice(1, 7).map((v) => Number(v ?? 0));
  const day = m ? new Date(Date.UTC(y!, mo! - 1, d!)) : undefined;
  const valid = day && day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! < 24 && mi! < 60 && s! < 60;
  if (!valid) throw new Error(`"${text}" is not an ISO 8601 time with a zone, e.g. 2026-12-01T09:00:00Z`);
  return new Date(text.trim()).toISOString().replace(/\.000Z$/, 'Z');
}

function flag(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`--${name} is required`);
  return value;
}

/** Applies one change to a story, locally or through the API, and tells the hub. */
async function lifecycle(
  verb: string,
  slug: string | undefined,
  flags: Flags,
  body: Record<string, unknown> | undefined,
  next: (story: Story, now: number) => Story,
): Promise<number> {
  if (!slug) throw new Error(`usage: wiregate ${verb} <slug> …`);
  if (typeof flags['remote'] === 'string') {
    return remoteCall(
      verb,
      flags['remote'],
      'POST',
      `/admin/stories/${encodeURIComponent(slug)}/${verb}`,
      body ? { type: 'application/json', data: JSON.stringify(body) } : undefined,
    );
  }
  return withLocalStore(verb, async (db, settings) => {
    const now = Date.now();
    const story = await changeStory(db, slug, verb, cliActor(), now, (s) => next(s, now));
    out(
      `${verb}: ${slug} is now ${story.status}${story.embargoedUntil && story.status === 'embargoed' ? ` until ${story.embargoedUntil}` : ''} (version ${story.version})`,
    );
    for (const ping of await notifyHub(settings, story.feeds)) {
      if (ping.status === undefined) err(`websub: could not reach the hub for ${ping.url}; subscribers will see the change on their next poll`);
      else out(`websub: ${ping.url} → hub answered ${ping.status}`);
    }
    return 0;
  });
}

export const lifecycleCommands = {
  embargo: (flags: Flags, [slug]: string[]) => {
    const until = isoInstant(flag(flags, 'until'));
    return lifecycle('embargo', slug, flags, { until }, (s, now) => changes.embargo(s, until, now));
  },
  release: (flags: Flags, [slug]: string[]) => lifecycle('release', slug, flags, undefined, (s, now) => changes.release(s, now)),
  kill: (flags: Flags, [slug]: string[]) => {
    const reason = flag(flags, 'reason');
    return lifecycle('kill', slug, flags, { reason }, (s, now) => changes.takeDown(s, 'canceled', reason, now));
  },
  withhold: (flags: Flags, [slug]: string[]) => {
    const reason = flag(flags, 'reason');
    return lifecycle('withhold', slug, flags, { reason }, (s, now) => changes.takeDown(s, 'withheld', reason, now));
  },
  correct: (flags: Flags, [slug]: string[]) => {
    const note = flag(flags, 'note');
    const file = typeof flags['file'] === 'string' ? flags['file'] : undefined;
    // The corrected wire text replaces headline, dateline and body; everything else about the story stays.
    const fresh = file ? ingest(readFileSync(file), { feed: 'unused', published: '2000-01-01T00:00:00Z' }) : undefined;
    const body = { note, ...(fresh ? { body: fresh.body } : {}) };
    return lifecycle('correct', slug, flags, body, (s, now) =>
      changes.correct(s, note, fresh?.body, now, fresh ? { headline: fresh.headline, dateline: fresh.dateline } : undefined),
    );
  },
};
