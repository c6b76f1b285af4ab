// The index, the health check and the license terms: pages that never carry story text past titles.

import { PUBLIC } from '../access/decide.ts';
import type { GatewayData } from '../data.ts';
import { CODES, Problem } from '../http/problem.ts';
import { rendered } from '../http/respond.ts';
import { escapeHtml } from '../render/escape.ts';
import { page } from '../render/html-page.ts';
import { indexHtml, indexJson } from '../render/index-page.ts';
import { licenseHtml } from '../render/license-page.ts';
import { effectiveUpdated, presenceOf } from '../access/lifecycle.ts';
import type { Story } from '../catalog/types.ts';
import { cached, callerOf, maxAgeUntil, onlyGet, settingsOf, type App } from './context.ts';

/** The index lists the newest stories only, so its cost does not grow with the catalog. */
const INDEX_STORIES = 50;

export function register(app: App, data: GatewayData): void {
  const { catalog } = data;
  const newest = catalog.updated;
  const notices = [...new Set([...catalog.stories.values()].map((s) => s.copyrightNotice))];

  app.get('/', async (c) => {
    // Credentials are judged everywhere (SPEC §3: a token in the URL is refused), even where unused.
    await callerOf(c, data);
    const settings = settingsOf(c);
    const now = Date.now();
    const wantsJson = /\bapplication\/json\b/i.test(c.req.header('accept') ?? '');
    const nextRelease = catalog.nextRelease(null, now);
    return cached(c, data, `index ${wantsJson ? 'json' : 'html'} ${nextRelease ?? '-'}`, async () => {
      const stories: Story[] = [];
      for (const story of catalog.newest) {
        if (presenceOf(story, PUBLIC, now).kind === 'live') stories.push(story);
        if (stories.length === INDEX_STORIES) break;
      }
      const body = wantsJson ? `${JSON.stringify(indexJson(catalog, stories, settings), null, 2)}\n` : indexHtml(catalog, stories, settings);
      const lastModified = stories.reduce((max, s) => (effectiveUpdated(s, now) > max ? effectiveUpdated(s, now) : max), '1970-01-01T00:00:00Z');
      return rendered(body, wantsJson ? 'application/json' : 'text/html; charset=utf-8', lastModified);
    }, { decision: PUBLIC, maxAge: maxAgeUntil(settings, nextRelease, now), vary: 'Accept' });
  });

  app.get('/healthz', (c) =>
    new Response('{"status":"ok"}', {
      headers: { ...settingsOf(c).responseHeaders, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    }),
  );

  app.get('/license', async (c) => {
    await callerOf(c, data);
    return cached(c, data, 'license', () => rendered(licenseHtml(settingsOf(c), notices, data.registry.terms), 'text/html; charset=utf-8', newest), { decision: PUBLIC });
  });

  // Problem `type` URIs resolve to a short page (RFC 9457 §3.1.1).
  app.get('/problems/:name', async (c) => {
    await callerOf(c, data);
    const code = c.req.param('name').replaceAll('-', '_');
    if (!Object.hasOwn(CODES, code)) throw new Problem('not_found', { detail: 'No such problem type.' });
    const spec = CODES[code as keyof typeof CODES];
    const settings = settingsOf(c);
    return cached(c, data, `problem ${code}`, async () => {
      const main = `<h1>${escapeHtml(spec.title)}</h1>\n<p>HTTP status ${spec.status}; problem code <code>${escapeHtml(code)}</code>. See the <a href="${escapeHtml(settings.publicUrl)}/license">license terms</a> for how to get access.</p>`;
      return rendered(page({ title: `${spec.title} — wiregate`, base: settings.publicUrl, main }), 'text/html; charset=utf-8', newest);
    }, { decision: PUBLIC });
  });

  onlyGet(app, '/', '/healthz', '/license', '/problems/:name');
}
