// What route handlers share: the app's types, per-request settings, and the decision point wiring.

import type { Context, Hono } from 'hono';
import { identifyCaller, keySourceFor, type Caller } from '../access/access.ts';
import type { Decision } from '../access/decide.ts';
import type { Presence } from '../access/lifecycle.ts';
import { receiptId } from '../access/receipt.ts';
import type { Story } from '../catalog/types.ts';
import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { RenderCache } from '../http/render-cache.ts';
import type { ReceiptTemplate } from '../http/receipt-template.ts';
import { deliver, type Delivery, type Rendered } from '../http/respond.ts';
import { storyView, type StoryView } from '../render/view.ts';
import { settingsFrom, type Bindings, type Settings } from '../settings.ts';

export type AppEnv = { Bindings: Bindings };
export type App = Hono<AppEnv>;
export type Ctx = Context<AppEnv>;

/** Settings for this request's bindings, parsed once per bindings object. */
export function settingsOf(c: Ctx): Settings {
  return settingsFrom(c.env);
}

interface Caches {
  readonly rendered: RenderCache;
  readonly templates: RenderCache<ReceiptTemplate>;
}

/** One set of caches per app data and settings (links in the output depend on the settings). */
const renderCaches = new WeakMap<GatewayData, WeakMap<Settings, Caches>>();
export function cachesOf(data: GatewayData, settings: Settings): Caches {
  let bySettings = renderCaches.get(data);
  if (!bySettings) renderCaches.set(data, (bySettings = new WeakMap()));
  let caches = bySettings.get(settings);
  if (!caches) {
    // Templates serve every token of a licensee; finished copies are per token. Half the budget each.
    const half = Math.floor(settings.renderCacheBytes / 2);
    bySettings.set(settings, (caches = { rendered: new RenderCache(half), templates: new RenderCache<ReceiptTemplate>(half) }));
  }
  return caches;
}

/**
 * Step one of the decision point: who is asking. Runs before any lookup, so refusals do not reveal
 * what exists. Step two is `decideFor` / `verdictFor` in access.ts, on the caller this returns.
 */
export function callerOf(c: Ctx, data: GatewayData): Promise<Caller> {
  const settings = settingsOf(c);
  return identifyCaller({ request: c.req.raw, settings, registry: data.registry, keys: keySourceFor(settings, data.registry) });
}

/** The view a decision allows; a licensed view needs the receipt secret, and fails closed without it. */
export async function viewFor(story: Story, decision: Decision, settings: Settings, presence?: Presence, placeholder?: string): Promise<StoryView> {
  if (decision.tier !== 'licensed') return storyView(story, decision, settings);
  const receipt = placeholder ?? (await receiptFor(story, decision, settings));
  return storyView(story, decision, settings, receipt, presence?.kind === 'embargoed' ? presence.until : undefined);
}

/** The receipt for a licensed copy; without the server secret, licensed copies are refused (fail closed). */
export function receiptFor(story: { readonly slug: string; readonly version: number }, decision: Decision & { tier: 'licensed' }, settings: Settings): Promise<string> {
  if (!settings.receiptSecret) {
    throw new Problem('receipts_unavailable', { detail: 'Licensed copies cannot be receipted on this deployment: the operator has not configured a receipt secret.', retryAfter: 300 });
  }
  return receiptId(settings.receiptSecret, decision.token.jti, story.slug, story.version);
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

/** Serves a representation from the app's render cache, rendering it once per key. */
export async function cached(c: Ctx, data: GatewayData, key: string, make: () => Promise<Rendered>, delivery: Delivery): Promise<Response> {
  const settings = settingsOf(c);
  return deliver(c, settings, await cachesOf(data, settings).rendered.get(key, make), delivery);
}
