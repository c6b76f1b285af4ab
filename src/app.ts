// newApp(): wires settings, the license Link header, routes and error handling around the data.

import { Hono } from 'hono';
import type { GatewayData } from './data.ts';
import { Problem, problemResponse } from './http/problem.ts';
import { register as articles } from './routes/articles.ts';
import type { App, AppEnv } from './routes/context.ts';
import { register as feeds } from './routes/feeds.ts';
import { register as rights } from './routes/rights.ts';
import { register as site } from './routes/site.ts';
import { RenderCache } from './http/render-cache.ts';
import { settingsFrom, type Settings } from './settings.ts';

export function newApp(data: GatewayData): App {
  const app = new Hono<AppEnv>();
  // One render cache per app (so per catalog) and per settings (links depend on them).
  const caches = new WeakMap<Settings, RenderCache>();

  app.use('*', async function settingsAndLinks(c, next) {
    const settings = settingsFrom(c.env);
    c.set('settings', settings);
    let cache = caches.get(settings);
    if (!cache) caches.set(settings, (cache = new RenderCache(settings.renderCacheBytes)));
    c.set('cache', cache);
    // Every response builds its headers from settings.responseHeaders (license links included);
    // nothing is added afterwards, so no response is re-read or copied on the way out.
    await next();
  });

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
