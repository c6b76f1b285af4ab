// Errors a person can read (issue 10): HTML pages answer refusals with an HTML page when a browser asks, with
// the same status, code and detail; machines keep problem+json. Feeds are discoverable from the pages.

import { beforeAll, describe, expect, it } from 'vitest';
import { prefersHtml } from '../src/render/error-page.ts';
import { bearer, gateway, LATE, packedFiles, SLUG, type Gateway } from './support/gateway.ts';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const KILL_NOTICE = 'The report was based on a forged document.';

let gw: Gateway;
let killed: Gateway;
beforeAll(async () => {
  gw = await gateway();
  const feeds = packedFiles().feeds.map((f) => {
    if (f.path !== `stories/${SLUG}.json`) return f;
    const story = JSON.parse(f.text) as Record<string, unknown>;
    return { path: f.path, text: JSON.stringify({ ...story, status: 'canceled', notice: KILL_NOTICE }) };
  });
  killed = await gateway({ replaceFeeds: feeds });
});

async function problemOf(res: Response): Promise<{ code: string; detail: string; status: number }> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as { code: string; detail: string; status: number };
}

describe('a browser gets an HTML error page on the HTML routes', () => {
  it.each([
    ['an unknown story', () => gw, '/articles/no-such-story', 404, 'not_found', 'No such story.'],
    ['a killed story', () => killed, `/articles/${SLUG}`, 410, 'story_killed', KILL_NOTICE],
    ['a token in the query on the index', () => gw, '/?access_token=abc', 400, 'token_in_query', ''],
    ['a POST to /license', () => gw, '/license', 405, 'method_not_allowed', 'Only GET and HEAD'],
  ] as const)('%s: same status, code and detail as problem+json; no-store; HTML', async (_name, which, path, status, code, detail) => {
    const method = code === 'method_not_allowed' ? 'POST' : 'GET';
    const html = await which().request(path, { method, headers: { Accept: BROWSER } });
    const json = await which().request(path, { method, headers: { Accept: 'application/json' } });
    expect(html.status).toBe(status);
    expect(json.status).toBe(status);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBe('no-store');
    // SPEC §12: public HTML carries Vary: Authorization, Cookie; and the page is chosen by Accept.
    expect(
      html.headers
        .get('vary')
        ?.split(/\s*,\s*/)
        .sort(),
    ).toEqual(['Accept', 'Authorization', 'Cookie']);
    expect(html.headers.get('allow')).toBe(json.headers.get('allow'));
    expect(html.headers.get('www-authenticate')).toBe(json.headers.get('www-authenticate'));
    const problem = await problemOf(json);
    expect(problem.code).toBe(code);
    const page = await html.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`<code>${code}</code>`);
    expect(page).toContain(`HTTP status ${status}`);
    expect(page).toContain(problem.detail.replaceAll('&', '&amp;').replaceAll('<', '&lt;'));
    expect(problem.detail).toContain(detail);
    expect(page).not.toContain(LATE);
    expect(page).not.toContain('access_token');
  });

  it('a refused token on a story page: the HTML page keeps the challenge and says nothing of the token or story', async () => {
    const token = await gw.token({}, { key: gw.untrusted });
    const init = bearer(token);
    const res = await gw.request(`/articles/${SLUG}`, { headers: { ...(init.headers as Record<string, string>), Accept: BROWSER } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const page = await res.text();
    expect(page).toContain('token_key_unknown');
    expect(page).not.toContain(token);
    expect(page).not.toContain(LATE);
  });
});

describe('everything else keeps problem+json', () => {
  it.each([
    ['curl on a story page', `/articles/no-such-story`, '*/*'],
    ['no Accept on a story page', `/articles/no-such-story`, ''],
    ['a browser on the .json form', `/articles/no-such-story.json`, BROWSER],
    ['a browser on the .txt form', `/articles/no-such-story.txt`, BROWSER],
    ['a browser on a feed', '/feeds/nowhere/rss.xml', BROWSER],
    ['a browser on an unknown path', '/nowhere', BROWSER],
  ])('%s', async (_name, path, accept) => {
    const res = await gw.request(path, accept ? { headers: { Accept: accept } } : {});
    expect(res.status).toBe(404);
    expect((await problemOf(res)).code).toBe('not_found');
  });

  it('weighs Accept by quality (RFC 9110 §12.5.1)', () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('application/problem+json;q=0.4, text/html;q=0.9')).toBe(true);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });
});

describe('feeds are discoverable and a wrong format says which exist', () => {
  it.each([['/'], [`/articles/${SLUG}`]])('%s links its feeds as RSS, Atom and JSON Feed', async (path) => {
    const page = await (await gw.request(path)).text();
    const head = page.slice(0, page.indexOf('</head>'));
    for (const [type, file] of [
      ['application/rss+xml', 'rss.xml'],
      ['application/atom+xml', 'atom.xml'],
      ['application/feed+json', 'feed.json'],
    ] as const) {
      expect(head).toMatch(
        new RegExp(
          `<link rel="alternate" type="${type.replace('+', '\\+')}" title="[^"]+" href="https://wire\\.example/feeds/world/${file.replace('.', '\\.')}">`,
        ),
      );
    }
  });

  it.each(['/feeds/world/rss', '/feeds/world/atom', '/feeds/world/feed.xml'])('%s: 404 naming rss.xml, atom.xml and feed.json', async (path) => {
    const problem = await problemOf(await gw.request(path));
    expect(problem.status).toBe(404);
    expect(problem.detail).toMatch(/rss\.xml, atom\.xml, feed\.json/);
  });

  it('an unknown feed keeps the plain answer', async () => {
    expect((await problemOf(await gw.request('/feeds/nowhere/rss'))).detail).toBe('No such feed.');
  });
});
