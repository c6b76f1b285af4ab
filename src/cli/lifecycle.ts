// CLI commands that move a story through its wire lifecycle, editing feeds/ safely (validate, then atomic write).

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Story } from '../catalog/types.ts';
import { checkData, formatProblem } from '../data.ts';
import { ingest } from '../ingest/ingest.ts';
import { dataDirs, readDataFiles } from '../node/files.ts';
import { bindingsFromEnv } from '../node/server.ts';
import { settingsFrom } from '../settings.ts';

type Flags = Record<string, string | boolean | undefined>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);
const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

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

/** Applies `change` to one story file; writes only if the whole catalog stays valid. */
async function updateStory(slug: string | undefined, verb: string, change: (story: Mutable<Story>) => void): Promise<number> {
  if (!slug) throw new Error(`usage: wiregate ${verb} <slug> …`);
  const dirs = dataDirs();
  const relative = `stories/${slug}.json`;
  const path = join(dirs.feeds, relative);
  if (!existsSync(path)) {
    err(`wiregate ${verb}: no story "${slug}" (${path})`);
    return 1;
  }
  const story = JSON.parse(readFileSync(path, 'utf8')) as Mutable<Story>;
  change(story);
  const text = `${JSON.stringify(story, null, 2)}\n`;
  const files = readDataFiles(dirs);
  const feeds = [...files.feeds.filter((f) => f.path !== relative), { path: relative, text }];
  const problems = checkData({ feeds, licenses: files.licenses }).problems.filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    problems.forEach((p) => err(formatProblem(p)));
    err(`wiregate ${verb}: the catalog would not be valid; nothing was written`);
    return 1;
  }
  // Write beside the target and rename: a reader (or a crash) never sees half a file.
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
  out(`${verb}: ${slug} is now ${story.status}${story.embargoedUntil ? ` until ${story.embargoedUntil}` : ''} (version ${story.version})`);
  await notifyHub(story.feeds);
  return 0;
}

/** WebSub (W3C): tell the hub every format of every feed the story is in has changed. */
async function notifyHub(feedIds: readonly string[]): Promise<void> {
  const settings = settingsFrom(bindingsFromEnv());
  if (!settings.websubHub) return;
  for (const id of feedIds) {
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
      const url = `${settings.publicUrl}/feeds/${id}/${file}`;
      try {
        const res = await fetch(settings.websubHub, {
          method: 'POST',
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }),
          signal: AbortSignal.timeout(5_000),
        });
        out(`websub: ${url} → hub answered ${res.status}`);
      } catch {
        err(`websub: could not reach the hub for ${url}; subscribers will see the change on their next poll`);
      }
    }
  }
}

/** Kill (final) or withhold (undone by release): 410 everywhere, with the reason as the notice. */
function takeDown(slug: string | undefined, verb: string, status: 'canceled' | 'withheld', reason: string): Promise<number> {
  return updateStory(slug, verb, (s) => {
    if (status === 'withheld' && s.status === 'canceled') throw new Error('the story is killed already');
    s.status = status;
    s.notice = reason;
    delete s.embargoedUntil;
    s.updated = nowIso();
  });
}

export const lifecycleCommands = {
  embargo: (flags: Flags, [slug]: string[]) => {
    const iso = isoInstant(flag(flags, 'until'));
    return updateStory(slug, 'embargo', (s) => {
      if (s.status === 'canceled') throw new Error('a killed story cannot be embargoed');
      s.status = 'embargoed';
      s.embargoedUntil = iso;
    });
  },
  release: (_flags: Flags, [slug]: string[]) =>
    updateStory(slug, 'release', (s) => {
      if (s.status === 'canceled') throw new Error('a killed story cannot be released; ingest a new story instead');
      s.status = 'usable';
      delete s.embargoedUntil;
      delete s.notice;
      // The story appears now: readers' caches and If-Modified-Since must see a change.
      s.updated = nowIso();
    }),
  kill: (flags: Flags, [slug]: string[]) => takeDown(slug, 'kill', 'canceled', flag(flags, 'reason')),
  withhold: (flags: Flags, [slug]: string[]) => takeDown(slug, 'withhold', 'withheld', flag(flags, 'reason')),
  correct: (flags: Flags, [slug]: string[]) => {
    const note = flag(flags, 'note');
    const file = typeof flags['file'] === 'string' ? flags['file'] : undefined;
    return updateStory(slug, 'correct', (s) => {
      if (s.status === 'canceled') throw new Error('a killed story cannot be corrected');
      if (file) {
        // The corrected wire text replaces headline and body; everything else about the story stays.
        const fresh = ingest(readFileSync(file), { feed: s.feeds[0] ?? '', published: s.published, source: s.source });
        s.headline = fresh.headline;
        s.dateline = fresh.dateline;
        s.body = fresh.body;
      }
      s.version += 1;
      s.correction = note;
      s.updated = nowIso();
    });
  },
};
