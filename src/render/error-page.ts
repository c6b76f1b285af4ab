// Refusals a person can read: the same status, code and detail as the problem+json, as an HTML page,
// for the pages people open in a browser (/, /articles/{slug}, /license) when the browser asks for HTML.

import { problemBody, type Problem } from '../problem.ts';
import { problemHeaders, problemResponse } from '../http/problem-response.ts';
import { escapeHtml as h } from './escape.ts';
import { page } from './html-page.ts';

/** The routes that answer with HTML when they succeed; the .json and .txt forms and feeds never do. */
const HTML_ROUTE = /^\/(?:|license|articles\/[^/.]+)$/;

/** problem+json, or an HTML page when the route is an HTML page and the client prefers text/html. */
export function refusalResponse(request: Request | undefined, problem: Problem, baseUrl: string, common: Readonly<Record<string, string>>): Response {
  if (!request || !HTML_ROUTE.test(new URL(request.url).pathname)) return problemResponse(problem, baseUrl, common);
  // One URL, two representations chosen by Accept: say so, even though neither is stored (no-store).
  // And, as every public HTML answer (SPEC §12), on the credentials that would have changed it.
  const vary = { ...common, Vary: 'Accept, Authorization, Cookie' };
  if (!prefersHtml(request.headers.get('accept') ?? '')) return problemResponse(problem, baseUrl, vary);
  const body = problemBody(problem, baseUrl);
  const main = `<h1>${h(body.title)}</h1>
<p class="notice">${h(body.detail)}</p>
<p class="meta">HTTP status ${body.status} · problem code <a href="${h(body.type)}"><code>${h(body.code)}</code></a></p>
<p><a href="${h(baseUrl)}/">All stories and feeds</a> · <a href="${h(baseUrl)}/license">License terms</a></p>`;
  const html = page({ title: `${body.title} — wiregate`, base: baseUrl, head: '<meta name="robots" content="noindex">\n', main });
  return new Response(html, { status: body.status, headers: problemHeaders(problem, vary, 'text/html; charset=utf-8') });
}

/**
 * True when text/html is named and weighs at least as much as any JSON type (RFC 9110 §12.5.1).
 * A browser names it first; curl and fetch() send * / * or nothing and keep problem+json.
 */
export function prefersHtml(accept: string): boolean {
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, q);
    else if (range === 'application/json' || range === 'application/problem+json') json = Math.max(json, q);
  }
  return html > 0 && html >= json;
}
