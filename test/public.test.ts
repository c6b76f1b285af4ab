// The public surface (SPEC §5–§7) without credentials: routes, types, caching, errors, the excerpt rule, leaks.

import { beforeAll, describe, expect, it } from 'vitest';
import type { Story } from '../src/catalog/types.ts';
import { CONTENT_PATHS, FIRST, gateway, LATE, seedStory, SLUG, type Gateway } from './support/gateway.ts';
import { decodeSafe, jsonStrings, pastExcerpt, readings, unescapeMarkup } from './support/text.ts';

const BASE = 'https://wire.example';
const LICENSE_URL = `${BASE}/license`;
const LICENSE_LINK = `<${LICENSE_URL}>; rel="license"`;
const CANONICAL = `${BASE}/articles/${SLUG}`;
/** The excerpt of the seed story under the default budget: its first two paragraphs (SPEC §6). */
const EXCERPT_PARAGRAPHS = 2;

/** The exact Content-Type of each content route (SPEC §5). */
const TYPES: Record<(typeof CONTENT_PATHS)[number], string> = {
  [`/articles/${SLUG}`]: 'text/html; charset=utf-8',
  [`/articles/${SLUG}.json`]: 'application/json',
  [`/articles/${SLUG}.txt`]: 'text/plain; charset=utf-8',
  '/feeds/world/rss.xml': 'application/rss+xml; charset=utf-8',
  '/feeds/world/atom.xml': 'application/atom+xml; charset=utf-8',
  '/feeds/world/feed.json': 'application/feed+json; charset=utf-8',
};

const NOT_FOUND_PATHS = [
  '/articles/no-such-story',
  '/articles/no-such-story.json',
  '/articles/no-such-story.txt',
  `/articles/${SLUG}.xml`,
  `/articles/${SLUG}.html`,
  `/articles/${SLUG.toUpperCase()}`,
  '/feeds/no-such-feed/rss.xml',
  '/feeds/no-such-feed/atom.xml',
  '/feeds/no-such-feed/feed.json',
  '/feeds/world/index.xml',
  '/feeds/world/rss.json',
  '/feeds/world/constructor',
  '/feeds/world/__proto__',
  '/feeds/world',
  '/articles',
  '/nope',
  '/robots.txt.bak',
] as const;

let gw: Gateway;
let story: Story;

beforeAll(async () => {
  gw = await gateway();
  story = seedStory(gw);
});

// ---------------------------------------------------------------------------------------------
// helpers

function get(path: string, init: RequestInit = {}): Promise<Response> {
  return gw.request(path, init);
}

/** Sentences (and whole paragraphs) past the excerpt: none may appear in a public response. */
function forbiddenTexts(): string[] {
  return [LATE, ...pastExcerpt(story.body, EXCERPT_PARAGRAPHS)];
}

function expectNoLeak(body: string, headers: Headers, label: string): void {
  const forbidden = forbiddenTexts();
  for (const reading of readings(body)) {
    for (const text of forbidden) expect(reading.includes(text), `${label}: body contains "${text.slice(0, 50)}…"`).toBe(false);
  }
  headers.forEach((value, name) => {
    for (const text of [LATE, ...forbidden]) {
      expect(value.includes(text) || unescapeMarkup(decodeSafe(value)).includes(text), `${label}: header ${name} leaks`).toBe(false);
    }
  });
}

function varyOf(res: Response): string[] {
  return (res.headers.get('vary') ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

function expectLicenseLink(res: Response, label = ''): void {
  expect(res.headers.get('link') ?? '', `${label} Link header`).toContain(LICENSE_LINK);
}

function expectPublicCaching(res: Response, label = ''): void {
  const cc = (res.headers.get('cache-control') ?? '').toLowerCase();
  expect(cc, `${label} Cache-Control`).toMatch(/^public\s*,\s*max-age=\d+/);
  expect(cc).not.toMatch(/private|no-store/);
  expect(varyOf(res), `${label} Vary`).toContain('authorization');
}

function expectValidators(res: Response, label = ''): void {
  expect(res.headers.get('etag'), `${label} ETag`).toMatch(/^(W\/)?"[\x21\x23-\x7e]+"$/);
  const lm = res.headers.get('last-modified');
  expect(lm, `${label} Last-Modified`).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
}

async function expectProblem(res: Response, status: number, label = ''): Promise<Record<string, unknown>> {
  expect(res.status, label).toBe(status);
  expect(res.headers.get('content-type'), `${label} Content-Type`).toMatch(/^application\/problem\+json(\s*;|$)/);
  expect(res.headers.get('cache-control'), `${label} Cache-Control`).toBe('no-store');
  expectLicenseLink(res, label);
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(typeof body['type'], `${label} type`).toBe('string');
  expect(URL.canParse(String(body['type'])) || body['type'] === 'about:blank', `${label} type is a URI`).toBe(true);
  expect(typeof body['title'], `${label} title`).toBe('string');
  expect(body['status'], `${label} status`).toBe(status);
  expect(typeof body['detail'], `${label} detail`).toBe('string');
  expect(body['code'], `${label} code`).toMatch(/^[a-z][a-z0-9_]*$/);
  expectNoLeak(text, res.headers, label);
  for (const p of story.body) expect(text).not.toContain(p.slice(0, 40));
  return body;
}

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== 'content-length') out[name] = value;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('routes (SPEC §5)', () => {
  it('GET / is HTML by default', async () => {
    for (const accept of [undefined, '*/*', 'text/html', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8']) {
      const res = await get('/', accept ? { headers: { Accept: accept } } : {});
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type'), `Accept: ${accept}`).toBe('text/html; charset=utf-8');
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/i);
      expect(html).toContain(`/feeds/world/rss.xml`);
      expect(html).toContain(`/articles/${SLUG}`);
      const item = unescapeMarkup(html.slice(html.indexOf(`/articles/${SLUG}`)).split('</li>')[0]!);
      for (const line of [story.source, story.copyrightNotice, story.usageTerms]) expect(item).toContain(line);
      expectPublicCaching(res, '/');
      expectLicenseLink(res, '/');
    }
  });

  it('GET / is JSON for Accept: application/json, and varies on Accept', async () => {
    const res = await get('/', { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json(\s*;\s*charset=utf-8)?$/i);
    const index = (await res.json()) as { feeds: { id: string }[]; stories: Record<string, unknown>[] };
    expect(index.feeds.map((f) => f.id)).toContain('world');
    // Attribution with every item (SPEC §6): source, rights holder, notice, usage terms, canonical URL.
    expect(index.stories.find((s) => s['slug'] === SLUG)).toMatchObject({
      source: story.source,
      rightsHolder: story.rightsHolder,
      copyrightNotice: story.copyrightNotice,
      usageTerms: story.usageTerms,
      url: expect.stringMatching(new RegExp(`/articles/${SLUG}$`)),
    });
    expectPublicCaching(res, '/ json');
    expectLicenseLink(res, '/ json');
    // One URL, two representations chosen by Accept: shared caches must key on it.
    expect(varyOf(res)).toContain('accept');
    expect(varyOf(await get('/'))).toContain('accept');
  });

  it('GET /healthz answers {"status":"ok"}', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
    expect(await res.json()).toEqual({ status: 'ok' });
    expectLicenseLink(res, '/healthz');
    expect(res.headers.get('cache-control')).toBeTruthy();
  });

  it('GET /license is the human-readable license terms', async () => {
    const res = await get('/license');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = unescapeMarkup(await res.text());
    expect(html).toMatch(/license terms/i);
    expect(html).toContain(story.copyrightNotice);
    expectPublicCaching(res, '/license');
    expectLicenseLink(res, '/license');
  });

  it.each(CONTENT_PATHS)('GET %s: 200, exact Content-Type, public caching, validators, license link', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(TYPES[path]);
    expectPublicCaching(res, path);
    expectValidators(res, path);
    expectLicenseLink(res, path);
    expect(res.headers.get('last-modified')).toBe(new Date(story.updated).toUTCString());
    const body = await res.text();
    expect(body.length).toBeGreaterThan(0);
    expectNoLeak(body, res.headers, path);
  });

  it('the feeds are the formats they claim', async () => {
    const rss = await (await get('/feeds/world/rss.xml')).text();
    expect(rss).toMatch(/<rss\b[^>]*\bversion="2\.0"/);
    const atom = await (await get('/feeds/world/atom.xml')).text();
    expect(atom).toMatch(/<feed\b[^>]*\bxmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
    const json = (await (await get('/feeds/world/feed.json')).json()) as { version: string };
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
  });
});

describe('HEAD (SPEC §5: wherever GET works, no body)', () => {
  const routes: [string, RequestInit][] = [
    ['/', {}],
    ['/', { headers: { Accept: 'application/json' } }],
    ['/healthz', {}],
    ['/license', {}],
    ...CONTENT_PATHS.map((p): [string, RequestInit] => [p, {}]),
    ...NOT_FOUND_PATHS.map((p): [string, RequestInit] => [p, {}]),
  ];

  it.each(routes)('HEAD %s has the status and headers of GET and an empty body', async (path, init) => {
    const getRes = await get(path, { ...init, method: 'GET' });
    const headRes = await get(path, { ...init, method: 'HEAD' });
    expect(headRes.status).toBe(getRes.status);
    expect(headersOf(headRes)).toEqual(headersOf(getRes));
    expect(await headRes.text()).toBe('');
    expectLicenseLink(headRes, `HEAD ${path}`);
  });

  it.each(CONTENT_PATHS)('HEAD %s answers conditionals with 304 like GET', async (path) => {
    const etag = (await get(path)).headers.get('etag')!;
    const res = await get(path, { method: 'HEAD', headers: { 'If-None-Match': etag } });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe('');
    expectLicenseLink(res, `HEAD 304 ${path}`);
  });
});

describe('conditional requests (SPEC §7)', () => {
  it.each(CONTENT_PATHS)('%s', async (path) => {
    const first = await get(path);
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    const fullBody = await first.text();
    const lm = Date.parse(lastModified);

    const notModified = async (headers: Record<string, string>, label: string) => {
      const res = await get(path, { headers });
      expect(res.status, `${path} ${label}`).toBe(304);
      expect(await res.text(), `${label}: 304 has no body`).toBe('');
      expect(res.headers.get('etag'), `${label}: 304 repeats the ETag`).toBe(etag);
      expectPublicCaching(res, `${path} ${label}`);
      expectLicenseLink(res, `${path} ${label}`);
    };
    const modified = async (headers: Record<string, string>, label: string) => {
      const res = await get(path, { headers });
      expect(res.status, `${path} ${label}`).toBe(200);
      expect(await res.text(), `${label}: full body`).toBe(fullBody);
      expect(res.headers.get('etag')).toBe(etag);
      expectLicenseLink(res, `${path} ${label}`);
    };

    await notModified({ 'If-None-Match': etag }, 'If-None-Match: exact');
    await notModified({ 'If-None-Match': `"something-else", ${etag}` }, 'If-None-Match: list');
    await notModified({ 'If-None-Match': `"a",${etag} , "b"` }, 'If-None-Match: list without spaces');
    await notModified({ 'If-None-Match': `W/${etag.replace(/^W\//, '')}` }, 'If-None-Match: weak form');
    await notModified({ 'If-None-Match': '*' }, 'If-None-Match: *');
    await notModified({ 'If-Modified-Since': lastModified }, 'If-Modified-Since: Last-Modified');
    await notModified({ 'If-Modified-Since': new Date(lm + 86_400_000).toUTCString() }, 'If-Modified-Since: later');

    await modified({ 'If-None-Match': '"not-the-etag"' }, 'If-None-Match: other');
    await modified({ 'If-None-Match': `"x${etag.replace(/^W\//, '').slice(1)}` }, 'If-None-Match: near miss');
    await modified({ 'If-Modified-Since': new Date(lm - 1000).toUTCString() }, 'If-Modified-Since: earlier');
    await modified({ 'If-Modified-Since': 'not a date' }, 'If-Modified-Since: garbage');
    // RFC 9110 §13.2.2: with If-None-Match present, If-Modified-Since is ignored.
    await modified({ 'If-None-Match': '"not-the-etag"', 'If-Modified-Since': lastModified }, 'INM miss wins over IMS hit');
  });

  it('the same representation keeps its ETag', async () => {
    for (const path of CONTENT_PATHS) {
      const a = (await get(path)).headers.get('etag');
      const b = (await get(path)).headers.get('etag');
      expect(a, path).toBe(b);
    }
  });

  it('different representations have different ETags', async () => {
    const tags = await Promise.all(CONTENT_PATHS.map(async (p) => (await get(p)).headers.get('etag')));
    expect(new Set(tags).size).toBe(CONTENT_PATHS.length);
  });
});

describe('errors', () => {
  it.each(NOT_FOUND_PATHS)('GET %s → 404 problem details', async (path) => {
    const body = await expectProblem(await get(path), 404, path);
    expect(body['code']).toBe('not_found');
  });

  const METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
  const cases = CONTENT_PATHS.flatMap((path) => METHODS.map((method) => [method, path] as const));

  it.each(cases)('%s %s → 405 with Allow: GET, HEAD', async (method, path) => {
    const init: RequestInit = { method };
    if (method !== 'OPTIONS' && method !== 'DELETE') init.body = '{"full":true}';
    const res = await get(path, init);
    expect(res.status).toBe(405);
    const allow = (res.headers.get('allow') ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .sort();
    expect(allow).toEqual(['GET', 'HEAD']);
    await expectProblem(res, 405, `${method} ${path}`);
  });
});

describe('the excerpt rule (SPEC §6)', () => {
  it('the seed story has more paragraphs than the excerpt', () => {
    expect(story.body.length).toBeGreaterThan(EXCERPT_PARAGRAPHS);
    expect(story.body.slice(EXCERPT_PARAGRAPHS).join(' ')).toContain(LATE);
    expect(story.body[0]).toContain(FIRST);
  });

  it('HTML: first two paragraphs verbatim, marked as excerpt, license link, attribution block', async () => {
    const res = await get(`/articles/${SLUG}`);
    const raw = await res.text();
    const html = unescapeMarkup(raw);

    // Whole paragraphs, byte-for-byte once the HTML escaping is undone.
    const paragraphs = [...raw.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => unescapeMarkup(m[1]!));
    for (const p of story.body.slice(0, EXCERPT_PARAGRAPHS)) expect(paragraphs).toContain(p);
    for (const p of story.body.slice(EXCERPT_PARAGRAPHS)) expect(html).not.toContain(p);
    expectNoLeak(raw, res.headers, 'html');

    expect(html).toMatch(/\bexcerpt\b/i);
    expect(raw).toMatch(new RegExp(`<a\\b[^>]*href="${escapeRe(LICENSE_URL)}"`));
    expect(raw).toMatch(new RegExp(`<link\\b(?=[^>]*\\brel="license")(?=[^>]*\\bhref="${escapeRe(LICENSE_URL)}")[^>]*>`));
    expect(html).toContain(story.headline);

    // A visible attribution block: in <body>, not hidden, naming every element of SPEC §6.
    const bodyHtml = raw.slice(raw.search(/<body\b/i));
    const visible = unescapeMarkup(bodyHtml.replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, '').replace(/<[^>]+>/g, ' '));
    for (const field of [story.source, story.rightsHolder, story.copyrightNotice, story.usageTerms, CANONICAL]) {
      expect(visible, `attribution shows ${field}`).toContain(field);
    }
    expect(bodyHtml).toMatch(new RegExp(`href="${escapeRe(CANONICAL)}"`));
  });

  it('JSON: ninjs-shaped partial representation with rights fields', async () => {
    const res = await get(`/articles/${SLUG}.json`);
    const text = await res.text();
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(doc['representationType']).toBe('partial');
    expect(doc['copyrightHolder']).toBe(story.rightsHolder);
    expect(doc['copyrightNotice']).toBe(story.copyrightNotice);
    expect(doc['usageTerms']).toBe(story.usageTerms);
    expect(doc['uri']).toBe(CANONICAL);
    expect(JSON.stringify(doc['headlines'])).toContain(JSON.stringify(story.headline));
    const strings = jsonStrings(doc).join('\n');
    for (const p of story.body.slice(0, EXCERPT_PARAGRAPHS)) expect(strings).toContain(p);
    expect(strings).toContain(LICENSE_URL);
    expect(strings).toContain(story.source);
    expectNoLeak(text, res.headers, 'json');
  });

  it('text: first two paragraphs verbatim, marked as excerpt, license URL and attribution', async () => {
    const res = await get(`/articles/${SLUG}.txt`);
    const text = await res.text();
    const lines = text.split('\n');
    for (const p of story.body.slice(0, EXCERPT_PARAGRAPHS)) expect(lines).toContain(p);
    expect(text).toMatch(/\bexcerpt\b/i);
    expect(text).toContain(LICENSE_URL);
    for (const field of [story.source, story.rightsHolder, story.copyrightNotice, story.usageTerms, CANONICAL]) {
      expect(text).toContain(field);
    }
    expectNoLeak(text, res.headers, 'txt');
  });

  it('feeds carry the same excerpt and nothing past it', async () => {
    for (const path of CONTENT_PATHS.filter((p) => p.startsWith('/feeds/'))) {
      const res = await get(path);
      const body = await res.text();
      const all = readings(body).join('\n');
      for (const p of story.body.slice(0, EXCERPT_PARAGRAPHS)) expect(all, path).toContain(p);
      expectNoLeak(body, res.headers, path);
    }
  });
});

describe('leak sweep: nothing past the excerpt, whatever the request', () => {
  const ACCEPTS = [
    undefined,
    '*/*',
    'application/json',
    'text/plain',
    'application/rss+xml, application/atom+xml;q=0.9',
    'application/ld+json, text/html;q=0.1',
  ];
  const ODD_HEADERS: Record<string, string>[] = [
    {},
    { 'User-Agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
    { Range: 'bytes=0-' },
    { Range: 'bytes=-2000' },
    { 'X-HTTP-Method-Override': 'GET' },
    { 'X-Forwarded-For': '127.0.0.1', 'X-Forwarded-Host': 'localhost', Cookie: 'licensed=1; tier=full' },
    { Authorization: 'Bearer not-a-jwt' },
    { Authorization: `Basic ${btoa('demo-newsroom:secret')}` },
  ];
  const QUERIES = ['', '?full=1&format=full&tier=licensed'];
  const PATHS = [...CONTENT_PATHS, '/', '/license', `/articles/${SLUG}.xml`, `/articles/${SLUG}/`];

  it.each(PATHS)('%s', async (path) => {
    let checked = 0;
    for (const method of ['GET', 'HEAD']) {
      for (const accept of ACCEPTS) {
        for (const odd of ODD_HEADERS) {
          for (const query of QUERIES) {
            const headers: Record<string, string> = { ...odd };
            if (accept) headers['Accept'] = accept;
            const res = await get(`${path}${query}`, { method, headers });
            const body = await res.text();
            const label = `${method} ${path}${query} Accept=${accept} ${JSON.stringify(odd)} → ${res.status}`;
            expect(res.status, label).toBeLessThan(500);
            if (method === 'HEAD') expect(body, label).toBe('');
            expectNoLeak(body, res.headers, label);
            expectLicenseLink(res, label);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(2 * ACCEPTS.length * ODD_HEADERS.length * QUERIES.length);
  });
});

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
