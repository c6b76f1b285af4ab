// The request pipeline's shared parts: the app's typed context (settings, snapshot, caller in c.var,
// read with c.get: Hono's c.var builds a new object on every read), the render caches of a snapshot,
// receipts, and the 405 and max-age helpers every route uses.

import type { Context, Hono } from 'hono';
import type { Caller } from '../access/access.ts';
import type { Decision } from '../access/decide.ts';
import type { Presence } from '../access/lifecycle.ts';
import { receiptId } from '../access/receipt.ts';
import type { Story } from '../catalog/types.ts';
import { Problem } from '../problem.ts';
import { RenderCache } from '../http/render-cache.ts';
import type { ReceiptTemplate } from '../http/receipt-template.ts';
import { keepLicensed } from '../http/kept-answers.ts';
import { deliver, type Delivery, type Rendered } from '../http/respond.ts';
import { excerptView, licensedView, type StoryView } from '../render/view.ts';
import type { Bindings, Settings } from '../settings.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { account, rateLimitHeaders } from '../store/ledger.ts';
import type { Store } from '../store/store.ts';

export interface Variables {
  readonly settings: Settings;
  readonly store: Store;
  /** The store as of this request (SPEC §10: fresh on Node, within the TTL on Workers). */
  readonly state: Snapshot;
  /** Who is asking: settled once by the credential middleware, before any route. */
  readonly caller: Caller;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
export type App = Hono<AppEnv>;
export type Ctx = Context<AppEnv>;

interface Caches {
  readonly rendered: RenderCache;
  readonly templates: RenderCache<ReceiptTemplate>;
}

/** One set of caches per snapshot and settings: a new generation starts with empty caches. */
export function cachesOf(state: Snapshot, settings: Settings): Caches {
  let bySettings = state.memo.get('caches') as WeakMap<Settings, Caches> | undefined;
  if (!bySettings) state.memo.set('caches', (bySettings = new WeakMap()));
  let caches = bySettings.get(settings);
  if (!caches) {
    // Templates serve every token of a licensee; finished copies are per token. Half the budget each.
    const half = Math.floor(settings.renderCacheBytes / 2);
    bySettings.set(settings, (caches = { rendered: new RenderCache(half), templates: new RenderCache<ReceiptTemplate>(half) }));
  }
  return caches;
}

/** The view a decision allows; a licensed view needs the receipt secret, and fails closed without it. */
export async function viewFor(story: Story, decision: Decision, settings: Settings, presence?: Presence, placeholder?: string): Promise<StoryView> {
  if (decision.tier !== 'licensed') return excerptView(story, settings);
  // The one fail-closed receipt rule: without the secret, receiptSecret refuses (503); there is no fallback.
  const receipt = placeholder ?? (await receiptId(receiptSecret(settings), decision.token, story.slug, story.version));
  return licensedView(story, decision, settings, receipt, presence?.kind === 'embargoed' ? presence.until : undefined);
}

/** The server's receipt secret; without it, licensed copies are refused (fail closed). */
export function receiptSecret(settings: Settings): string {
  if (!settings.receiptSecret) {
    throw new Problem('receipts_unavailable', {
      detail: 'Licensed copies cannot be receipted on this deployment: the operator has not configured a receipt secret.',
      retryAfter: 300,
    });
  }
  return settings.receiptSecret;
}

/** 405 for every method but GET and HEAD on a route (HEAD is answered by the GET handler). */
export function onlyGet(app: App, ...paths: string[]): void {
  for (const path of paths) {
    app.all(path, () => {
      throw new Problem('method_not_allowed', { allow: 'GET, HEAD', detail: 'Only GET and HEAD are supported here.' });
    });
  }
}

/** Public max-age, cut short so no cache keeps a feed or index past the next embargo release. */
export function maxAgeUntil(settings: Settings, nextRelease: number | undefined, now: number): number {
  if (nextRelease === undefined) return settings.publicMaxAge;
  return Math.max(0, Math.min(settings.publicMaxAge, Math.floor((nextRelease - now) / 1000)));
}

/**
 * Serves a representation from the snapshot's render cache, rendering it once per key (with a null
 * key, made each time and not kept). A licensed copy is counted first (SPEC §13): its deliveries are
 * in the ledger before the response leaves, and a licensee past its quota gets 429 instead.
 */
export async function cached(c: Ctx, key: string | null, make: () => Promise<Rendered>, delivery: Delivery, format = 'html'): Promise<Response> {
  const settings = c.get('settings');
  const state = c.get('state');
  const rendered = key === null ? await make() : await cachesOf(state, settings).rendered.get(key, make);
  const response = deliver(c, settings, rendered, delivery);
  const { decision } = delivery;
  if (decision.tier !== 'licensed') return response;
  const facts = { licensee: decision.licensee, credentialKind: decision.token.via ?? 'token', credential: decision.token.jti, format } as const;
  // A 304 or a HEAD carries no copy: it counts as a request, never as a delivery.
  const items = response.status === 200 && c.req.method !== 'HEAD' ? (rendered.items ?? []) : [];
  await delivery.use?.check();
  const accounting = await account(c.get('store').db, { ...facts, country: c.get('caller').country() }, items, Date.now(), c.get('store').options.quotas);
  if (accounting.admitted) {
    await delivery.use?.record();
    // The same token asking again gets this answer without the pipeline, while nothing it depends on changes.
    if (delivery.at !== undefined) await keepLicensed(c.req.raw, response, rendered, decision, { facts, items }, delivery.at, state, settings);
  } else {
    throw new Problem('quota_exceeded', {
      detail: 'This license is past its quota; try again later.',
      retryAfter: accounting.retryAfter,
      headers: rateLimitHeaders(accounting.quotas),
    });
  }
  for (const [name, value] of Object.entries(rateLimitHeaders(accounting.quotas))) response.headers.set(name, value);
  return response;
}

/**
 * Keeps `promise` running after the answer is sent: Workers' waitUntil. On Node there is no execution
 * context (Hono throws when asked for one), and the promise runs on by itself.
 */
export function keepAlive(c: Context<AppEnv>, promise: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // Node: nothing to extend.
  }
}
