// The operator API (SPEC §10): /admin/…, JSON in and out, every change audited and all-or-nothing.

import type { Context } from 'hono';
import type { Grant } from '../access/operator.ts';
import { readStoryRecord } from '../catalog/catalog.ts';
import type { Story } from '../catalog/types.ts';
import { readBody, readJsonObject, stringField } from '../http/body.ts';
import { Problem } from '../problem.ts';
import { ingest, IngestError } from '../ingest/ingest.ts';
import { notifyHub } from '../store/releases.ts';
import { iso } from '../store/snapshot.ts';
import * as changes from '../store/story-changes.ts';
import { changeStory, publishStory, readStory } from '../store/writes.ts';
import { register as registerFeedKeys } from './admin-feed-keys.ts';
import { actor, instantOf, json, route, type Handler } from './admin-http.ts';
import { register as registerRegistry } from './admin-registry.ts';
import { keepAlive, type App, type AppEnv } from './context.ts';

type AdminCtx = Context<AppEnv>;

function slugOf(c: AdminCtx): string {
  return c.req.param('slug') ?? '';
}

/** A lifecycle change: read the body, apply the pure change, write it guarded, answer the record. */
function lifecycle(action: string, next: (story: Story, body: Record<string, unknown>, now: number) => Story, body = true): { grant: Grant; handler: Handler } {
  return {
    grant: 'stories:write',
    handler: async (c, operator) => {
      const input = body ? await readJsonObject(c.req.raw) : {};
      const now = Date.now();
      const story = await changeStory(c.get('store').db, slugOf(c), action, actor(operator), now, (s) => next(s, input, now));
      tellHub(c, story.feeds);
      return json(c, story);
    },
  };
}

/**
 * Each change tells the WebSub hub that the story's feeds changed, as the CLI's lifecycle commands
 * do (README). After the commit and without holding the answer back: on Workers the isolate lives on
 * for it (waitUntil), on Node the pings run on by themselves. A hub that is down only delays readers.
 */
function tellHub(c: AdminCtx, feeds: readonly string[]): void {
  keepAlive(c, notifyHub(c.get('settings'), feeds)); // without a hub, nothing; it never rejects
}

export function register(app: App): void {
  route(app, '/admin/stories', {
    POST: {
      grant: 'stories:write',
      handler: async (c, operator) => {
        const now = Date.now();
        const story = await storyFromRequest(c, now);
        const missing = story.feeds.find((f) => !c.get('state').feeds.has(f));
        if (missing !== undefined)
          throw new Problem('invalid_field', { detail: `feeds: feed "${missing}" does not exist (PUT /admin/feeds/${missing} first).` });
        const { created, story: stored } = await publishStory(c.get('store').db, story, actor(operator), now);
        if (created) tellHub(c, stored.feeds);
        return json(c, stored, created ? 201 : 200, { Location: `/articles/${stored.slug}` });
      },
    },
  });
  route(app, '/admin/stories/:slug', {
    GET: {
      grant: 'stories:write',
      handler: async (c) => {
        const found = await readStory(c.get('store').db, slugOf(c));
        if (!found) throw new Problem('not_found', { detail: 'No such story.' });
        return json(c, found.story);
      },
    },
  });
  route(app, '/admin/stories/:slug/correct', {
    POST: lifecycle('correct', (s, b, now) => {
      const body = b['body'];
      if (body !== undefined && (!Array.isArray(body) || body.length === 0 || !body.every((p) => typeof p === 'string' && p.trim() !== ''))) {
        throw new Problem('invalid_field', { detail: 'body: must be a list of non-empty paragraphs.' });
      }
      return changes.correct(s, stringField(b, 'note'), body as string[] | undefined, now);
    }),
  });
  route(app, '/admin/stories/:slug/embargo', {
    POST: lifecycle('embargo', (s, b, now) => changes.embargo(s, instantField(b, 'until'), now)),
  });
  route(app, '/admin/stories/:slug/release', { POST: lifecycle('release', (s, _b, now) => changes.release(s, now), false) });
  route(app, '/admin/stories/:slug/withhold', {
    POST: lifecycle('withhold', (s, b, now) => changes.takeDown(s, 'withheld', stringField(b, 'reason'), now)),
  });
  route(app, '/admin/stories/:slug/kill', {
    POST: lifecycle('kill', (s, b, now) => changes.takeDown(s, 'canceled', stringField(b, 'reason'), now)),
  });
  registerRegistry(app);
  registerFeedKeys(app);
}

/** The story a publish carries: wire text ingested as `wiregate ingest` does, or a story record. */
async function storyFromRequest(c: AdminCtx, now: number): Promise<Story> {
  const { type, bytes } = await readBody(c.req.raw, ['text/plain', 'application/json']);
  if (type === 'application/json') {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
    } catch {
      throw new Problem('invalid_field', { detail: '(body): is not valid UTF-8 JSON.' });
    }
    const { story, problems } = readStoryRecord(raw);
    if (!story)
      throw new Problem('invalid_field', {
        detail:
          problems
            .map((p) => `${p.field}: ${p.message}`)
            .slice(0, 5)
            .join('; ') || '(body): not a story record.',
      });
    return story;
  }
  const feed = c.req.query('feed');
  if (!feed) throw new Problem('invalid_field', { detail: 'feed: name the feed in the query (?feed=<id>).' });
  const publishedParam = c.req.query('published');
  const published = publishedParam === undefined ? iso(now) : instantOf(publishedParam, 'published');
  try {
    return ingest(bytes, { feed, published });
  } catch (err) {
    if (err instanceof IngestError) throw new Problem('invalid_field', { detail: `(body): ${err.message}` });
    throw err;
  }
}

function instantField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  return instantOf(typeof value === 'string' ? value : '', field);
}
