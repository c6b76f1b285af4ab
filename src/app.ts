// newApp(): one pipeline for every route but /healthz: settings, the store's snapshot and the caller
// are settled once, in that order, into c.var; routes read them and never re-derive them. In front of
// it, answers kept for the current snapshot (http/kept-answers.ts) serve the requests they fit.

import { HonoBase } from 'hono/hono-base';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { countryOf, identifyCaller, keySourceFor } from './access/access.ts';
import { tokenInUrlProblem } from './access/credentials.ts';
import { otherCredential } from './access/other-credentials.ts';
import { Problem } from './problem.ts';
import { problemResponse } from './http/problem-response.ts';
import { keepAnswer, keepRefusal, keptResponse, lastingRefusal } from './http/kept-answers.ts';
import { account } from './store/ledger.ts';
import { register as admin } from './routes/admin.ts';
import { refusalResponse } from './render/error-page.ts';
import { register as articles } from './routes/articles.ts';
import { register as desk } from './routes/desk.ts';
import { register as privateFeeds } from './routes/private-feeds.ts';
import { keepAlive, onlyGet, type App, type AppEnv } from './routes/context.ts';
import { GET_ONLY } from './routes/table.ts';
import { register as feeds } from './routes/feeds.ts';
import { register as rights } from './routes/rights.ts';
import { register as site } from './routes/site.ts';
import { register as trace } from './routes/trace.ts';
import { register as usage } from './routes/usage.ts';
import { settingsFrom, type Bindings, type Settings } from './settings.ts';
import type { Store } from './store/store.ts';

/** The store for a deployment's bindings: fixed on Node, the D1 binding on Workers. */
export type StoreFor = (env: Bindings) => Store;

/**
 * Hono with its RegExpRouter alone. `new Hono()` routes through a SmartRouter that also bundles a
 * TrieRouter for patterns RegExpRouter cannot take (about 1 KB of the Worker's gzip, which has to
 * stay under 60 KB); the route table has none, and one would throw at the first request, in every
 * test that makes one.
 */
function newHono(): App {
  const app = new HonoBase<AppEnv>();
  app.router = new RegExpRouter();
  return app as App;
}

export function newApp(storeFor: StoreFor): App {
  const app = newHono();

  // Before the pipeline: the health check answers without the store or credentials.
  app.get(
    '/healthz',
    (c) =>
      new Response('{"status":"ok"}', {
        headers: { ...settingsFrom(c.env).responseHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      }),
  );

  app.use('*', async function pipeline(c, next) {
    const now = Date.now();
    const settings = settingsFrom(c.env);
    c.set('settings', settings);
    const store = storeFor(c.env);
    c.set('store', store);
    // /admin judges operator tokens itself (routes/admin.ts); everything else is content.
    const isAdmin = c.req.path === '/admin' || c.req.path.startsWith('/admin/');
    const state = await store.snapshot(now, (promise) => keepAlive(c, promise));
    c.set('state', state);
    if (isAdmin) return next();
    const other = otherCredential(c.req.raw, c.req.path, store.db, state.registry);
    try {
      c.set('caller', await identifyCaller({ request: c.req.raw, settings, registry: state.registry, keys: keySourceFor(settings, state.registry), other }));
    } catch (err) {
      if (!(other === undefined && err instanceof Problem && lastingRefusal(err, settings))) throw err;
      // The same credential is refused the same way until the store changes: kept for the snapshot.
      const refusal = answer(err, c.env, c.req.raw);
      await keepRefusal(c.req.raw, err, refusal, state, settings);
      return refusal;
    }
    await next();
    // What any cache could keep for every request like this one, the gateway keeps too (http/kept-answers.ts).
    await keepAnswer(c.req.raw, c.res, state, settings, now);
  });

  site(app);
  articles(app);
  feeds(app);
  privateFeeds(app);
  desk(app);
  rights(app);
  admin(app);
  usage(app);
  trace(app);
  // Other methods on the GET-only routes: 405 with Allow, from the one route table.
  for (const route of GET_ONLY) onlyGet(app, route.path);

  app.notFound((c) => answer(tokenInUrlProblem(c.req.raw) ?? new Problem('not_found', { detail: 'No such resource.' }), c.env, c.req.raw));
  app.onError((err, c) => {
    if (err instanceof Problem) return answer(err, c.env, c.req.raw);
    // Never log the error's message: it could quote a token or story text.
    console.error(`wiregate: unhandled ${err instanceof Error ? err.name : typeof err} on ${c.req.method}`);
    return answer(new Problem('internal_error'), c.env, c.req.raw);
  });
  // Before Hono: a plain public GET whose answer is kept for the current snapshot gets it, and so does a
  // GET whose credential was refused for a lasting reason, or whose token's licensed answer is kept (once
  // its deliveries are in the ledger); everything else goes through the pipeline.
  const pipelineFetch = app.fetch;
  app.fetch = (request, env, executionCtx) => {
    const kept = keptFor(request, env, storeFor);
    if (kept === undefined) return pipelineFetch(request, env, executionCtx);
    if (!(kept instanceof Promise)) return kept; // (on Node, `instanceof Response` runs the adapter's own check: slower)
    // A ledger that cannot take the deliveries sends nothing licensed. A store that said "not now" has
    // already been waited for: 503 at once (the pipeline would wait again). Any other failure: the
    // pipeline answers (and fails) alone.
    return kept.then(
      (response) => response ?? pipelineFetch(request, env, executionCtx),
      (err: unknown) => (err instanceof Problem && err.code === 'store_unavailable' ? answer(err, env, request) : pipelineFetch(request, env, executionCtx)),
    );
  };
  return app;
}

function keptFor(request: Request, env: Bindings | undefined, storeFor: StoreFor): Response | Promise<Response | undefined> | undefined {
  if (request.method !== 'GET') return undefined;
  let settings: Settings;
  let store: Store;
  try {
    settings = settingsFrom(env);
    store = storeFor(env ?? {});
  } catch {
    return undefined; // the pipeline answers with the problem
  }
  const now = Date.now();
  const state = store.current(now);
  const kept = state && keptResponse(request, state, settings, now);
  if (kept === undefined || kept instanceof Response) return kept;
  // SPEC §13: the deliveries are in the ledger before the response leaves. A kept licensed answer is for
  // a licensee without quotas, so it is always admitted; were it not, the pipeline would answer the 429.
  const { facts, items } = kept.delivery;
  return account(store.db, { ...facts, country: countryOf(request, settings) }, items, now, store.options.quotas).then((accounting) =>
    accounting.admitted ? kept.response : undefined,
  );
}

/** A problem response even when the settings themselves are broken (then without the license links). */
function answer(problem: Problem, env: Bindings | undefined, request?: Request): Response {
  let settings: Settings | undefined;
  try {
    settings = settingsFrom(env);
  } catch {
    console.error('wiregate: invalid settings; check the WIREGATE_* variables');
    return problemResponse(new Problem('internal_error'), '', {});
  }
  return refusalResponse(request, problem, settings.publicUrl, settings.responseHeaders);
}
