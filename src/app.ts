// newApp(): wires settings, the license Link header, routes and error handling around the data.

import { Hono } from 'hono';
import type { GatewayData } from './data.ts';
import { Problem, problemResponse } from './http/problem.ts';
import { register as articles } from './routes/articles.ts';
import type { App, AppEnv } from './routes/context.ts';
import { register as feeds } from './routes/feeds.ts';
import { register as rights } from './routes/rights.ts';
import { register as site } from './routes/site.ts';
import { settingsFrom } from './settings.ts';

export function newApp(data: GatewayData): App {
  // No middleware: every handler builds its response whole, headers included (settings.responseHeaders
  // carries the license links), so nothing is re-read or copied on the way out.
  const app = new Hono<AppEnv>();

  site(app, data);
  articles(app, data);
  feeds(app, data);
  rights(app, data);

  app.notFound((c) => {
    const settings = settingsFrom(c.env);
    return problemResponse(new Problem('not_found', { detail: 'No such resource.' }), settings.publicUrl, settings.responseHeaders);
  });
  app.onError((err, c) => {
    const settings = settingsFrom(c.env);
    if (err instanceof Problem) return problemResponse(err, settings.publicUrl, settings.responseHeaders);
    // Never log the error's message: it could quote a token or story text.
    console.error(`wiregate: unhandled ${err instanceof Error ? err.name : typeof err} on ${c.req.method}`);
    return problemResponse(new Problem('internal_error'), settings.publicUrl, settings.responseHeaders);
  });
  return app;
}
