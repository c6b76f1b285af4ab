// The Workers entry: the app over the D1 store bound as DB, and a Cron Trigger that releases embargoes.
// Nothing of the catalog is bundled: the Worker's size does not depend on the number of stories.

import { newApp } from './app.ts';
import { withRequestOrigin } from './http/origin-bindings.ts';
import { Problem } from './problem.ts';
import { settingsFrom, type Bindings } from './settings.ts';
import { d1Driver, type D1Like } from './store/d1-driver.ts';
import { durableQuotas, type NamespaceLike } from './store/quota-counter.ts';
import { releaseSinceTold } from './store/releases.ts';
import { Store } from './store/store.ts';

export type WorkerEnv = Bindings & { readonly DB?: D1Like; readonly QUOTAS?: NamespaceLike };

export { QuotaCounter } from './store/quota-counter.ts';

/** One store per D1 binding, so its snapshot is shared by every request of the isolate (whatever its origin). */
const stores = new WeakMap<object, Store>();
export function storeFor(env: WorkerEnv): Store {
  // Without the D1 binding there is nothing to serve from: a 503, never an empty catalog.
  if (!env.DB) throw new Problem('store_unavailable', { detail: 'The store (D1 binding DB) is not configured.', retryAfter: 60 });
  let store = stores.get(env.DB);
  if (!store) {
    store = new Store(d1Driver(env.DB), {
      ttlMs: settingsFrom(env).stateTtlMs,
      quotas: env.QUOTAS ? durableQuotas(env.QUOTAS) : undefined,
      perRequestIo: true,
    });
    stores.set(env.DB, store);
  }
  return store;
}

const app = newApp((env) => storeFor(env as WorkerEnv));

export default {
  // Links follow the Worker's own origin unless WIREGATE_PUBLIC_URL is set (see origin-bindings.ts).
  fetch: (request: Request, env: WorkerEnv, ctx: Parameters<typeof app.fetch>[2]) => app.fetch(request, withRequestOrigin(env, request), ctx),
  /**
   * Every minute (wrangler.toml [triggers]): tell the WebSub hub about embargoes that ended since it
   * was last told, so a run that was missed or late loses nothing (the marker in `meta` is shared with
   * Node's timer, claimed by compare-and-set).
   */
  async scheduled(controller: { scheduledTime: number }, env: WorkerEnv): Promise<void> {
    const settings = settingsFrom(env);
    if (!settings.websubHub) return;
    if (!env.WIREGATE_PUBLIC_URL) {
      // A request names the Worker's own origin (origin-bindings.ts); a Cron Trigger has none, and a
      // ping naming another URL (the localhost default) reaches no subscriber: say so instead.
      console.error('wiregate: releases not sent to the WebSub hub: set WIREGATE_PUBLIC_URL (a Cron Trigger has no request URL)');
      return;
    }
    const now = controller.scheduledTime;
    await releaseSinceTold(storeFor(env).db, settings, now, now - 60_000);
  },
};
