// Bindings whose public URL is the request's own origin, for the Workers entry when WIREGATE_PUBLIC_URL is unset.

import type { Bindings } from '../settings.ts';

/**
 * Workers routes by host, so there the request URL names a host the operator owns and can stand in for
 * WIREGATE_PUBLIC_URL: a first `wrangler deploy` links to its own workers.dev or custom domain, never to
 * localhost. The Node entry must not use this: behind Node the Host header is the client's to choose.
 *
 * One derived object per (bindings, origin), kept, so settingsFrom's per-object cache still hits; a
 * handful of origins at most (custom domains, workers.dev, previews), so the memo is bounded and an
 * origin past the bound is served correctly, only without the cache.
 */
export function withRequestOrigin(env: Bindings, request: Request): Bindings {
  if (env.WIREGATE_PUBLIC_URL) return env;
  const origin = new URL(request.url).origin;
  let byOrigin = derived.get(env);
  if (!byOrigin) derived.set(env, (byOrigin = new Map()));
  let bindings = byOrigin.get(origin);
  if (!bindings) {
    bindings = Object.freeze({ ...env, WIREGATE_PUBLIC_URL: origin });
    if (byOrigin.size < MAX_ORIGINS) byOrigin.set(origin, bindings);
  }
  return bindings;
}

const MAX_ORIGINS = 16;
const derived = new WeakMap<Bindings, Map<string, Bindings>>();
