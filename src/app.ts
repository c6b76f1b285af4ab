// newApp(): wires settings, the license Link header, routes and error handling around the data.

import { Hono } from 'hono';
import type { GatewayData } from './data.ts';
import { Problem, problemResponse } from './http/problem.ts';
import { refusalResponse } from './render/error-page.ts';
import { register as articles } from './routes/articles.ts';
import type { App, AppEnv } from './routes/context.ts';
import { register as feeds } from './routes/feeds.ts';
import { register as rights } from './routes/rights.ts';
import { register as site } from './routes/site.ts';
import { settingsFrom, type Bindings, type Settings } from './settings.ts';

export function newApp(data: GatewayData): App {
  // No middleware: every handler builds its response whole, headers included (settings.responseHeaders
  // carries the license links), so nothing is re-read or copied on the way out.
  const app = new Hono<AppEnv>();

  site(app, data);
  articles(app, data);
  feeds(app, data);
  rights(app, data);

  app.notFound((c) => answer(new Problem('not_found', { detail: 'No such resource.' }), c.env, c.req.raw));
  app.onError((err, c) => {
    if (err instanceof Problem) return answer(err, c.env, c.req.raw);
    // Never log the error's message: it could quote a token or story text.
    console.error(`wiregate: unhandled ${err instanceof Error ? err.name : typeof err} on ${c.req.method}`);
    return answer(new Problem('internal_error'), c.env, c.req.raw);
  });
  return app;
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
