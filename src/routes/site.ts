// The index, the health check and the license terms: pages that never carry story text past titles.

import { PUBLIC } from '../access/decide.ts';
import { CODES, Problem } from '../problem.ts';
import { rendered } from '../http/respond.ts';
import { escapeHtml } from '../render/escape.ts';
import { page } from '../render/html-page.ts';
import { indexHtml, indexJson } from '../render/index-page.ts';
import { licenseHtml } from '../render/license-page.ts';
import { urlsFor } from '../render/view.ts';
import { effectiveUpdated } from '../access/lifecycle.ts';
import { cached, maxAgeUntil, type App } from './context.ts';

/** The index lists the newest stories only, so its cost does not grow with the catalog. */
const INDEX_STORIES = 50;

export function register(app: App): void {
  // Every public HTML response varies on Cookie too (SPEC §12), though no session changes these pages.
  app.get('/', async (c) => {
    const settings = c.get('settings');
    const state = c.get('state');
    const now = Date.now();
    const wantsJson = /\bapplication\/json\b/i.test(c.req.header('accept') ?? '');
    const nextRelease = await state.nextRelease(null, now);
    return cached(
      c,
      `index ${wantsJson ? 'json' : 'html'} ${nextRelease ?? '-'}`,
      async () => {
        const stories = await state.newest(INDEX_STORIES, now);
        const body = wantsJson ? `${JSON.stringify(indexJson(state, stories, settings), null, 2)}\n` : indexHtml(state, stories, settings);
        // ISO 8601 UTC instants compare as text: the latest is the greatest string.
        const lastModified = stories.map((s) => effectiveUpdated(s, now)).reduce((max, at) => (at > max ? at : max), '1970-01-01T00:00:00Z');
        return rendered(body, wantsJson ? 'application/json' : 'text/html; charset=utf-8', lastModified);
      },
      { decision: PUBLIC, maxAge: maxAgeUntil(settings, nextRelease, now), vary: 'Accept, Cookie' },
    );
  });

  app.get('/license', async (c) => {
    const settings = c.get('settings');
    const state = c.get('state');
    return cached(
      c,
      'license',
      async () => rendered(licenseHtml(settings, (await state.rights()).notices, state.registry.terms), 'text/html; charset=utf-8', state.updated),
      { decision: PUBLIC, vary: 'Cookie' },
    );
  });

  // Problem `type` URIs resolve to a short page (RFC 9457 §3.1.1).
  app.get('/problems/:name', async (c) => {
    const code = c.req.param('name').replaceAll('-', '_');
    if (!Object.hasOwn(CODES, code)) throw new Problem('not_found', { detail: 'No such problem type.' });
    const spec = CODES[code as keyof typeof CODES];
    const settings = c.get('settings');
    const state = c.get('state');
    return cached(
      c,
      `problem ${code}`,
      async () => {
        const main = `<h1>${escapeHtml(spec.title)}</h1>\n<p>HTTP status ${spec.status}; problem code <code>${escapeHtml(code)}</code>. See the <a href="${escapeHtml(urlsFor(settings).license)}">license terms</a> for how to get access.</p>`;
        return rendered(page({ title: `${spec.title} — wiregate`, base: settings.publicUrl, main }), 'text/html; charset=utf-8', state.updated);
      },
      { decision: PUBLIC, vary: 'Cookie' },
    );
  });
}
