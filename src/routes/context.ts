// What route handlers share: the app's types, per-request settings, and the decision point wiring.

import type { Context, Hono } from 'hono';
import { accessFor, keySourceFor } from '../access/access.ts';
import type { Decision } from '../access/decide.ts';
import { receiptId } from '../access/receipt.ts';
import type { Story } from '../catalog/types.ts';
import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { storyView, type StoryView } from '../render/view.ts';
import type { Bindings, Settings } from '../settings.ts';

export type AppEnv = { Bindings: Bindings; Variables: { settings: Settings } };
export type App = Hono<AppEnv>;
export type Ctx = Context<AppEnv>;

/** Ask the decision point what this request may have of a resource in `feeds`. */
export function decisionFor(c: Ctx, data: GatewayData, feeds: readonly string[] | null): Promise<Decision> {
  const settings = c.var.settings;
  return accessFor({ request: c.req.raw, settings, registry: data.registry, keys: keySourceFor(settings, data.registry) }, feeds);
}

/** The view a decision allows; a licensed view needs the receipt secret, and fails closed without it. */
export async function viewFor(story: Story, decision: Decision, settings: Settings): Promise<StoryView> {
  if (decision.tier !== 'licensed') return storyView(story, decision, settings);
  if (!settings.receiptSecret) {
    throw new Problem('receipts_unavailable', { detail: 'Licensed copies cannot be receipted on this deployment.', retryAfter: 300 });
  }
  const receipt = await receiptId(settings.receiptSecret, decision.token.jti, story.slug, story.version);
  return storyView(story, decision, settings, receipt);
}

/** 405 for every method but GET and HEAD on a route (HEAD is answered by the GET handler). */
export function onlyGet(app: App, ...paths: string[]): void {
  for (const path of paths) {
    app.all(path, () => {
      throw new Problem('method_not_allowed', { allow: 'GET, HEAD', detail: 'Only GET and HEAD are supported here.' });
    });
  }
}
