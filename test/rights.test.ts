// Machine-readable rights (issue 4): RSL, TDMRep, ODRL/RightsML, ninjs and schema.org, as a crawler,
// an AI agent or a partner CMS reads them — with strict parsers, in Node and in workerd alike.

import { Validator, type Schema } from '@cfworker/json-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Story } from '../src/catalog/types.ts';
import type { Bindings } from '../src/settings.ts';
// The IPTC ninjs 3.1 schema, carried as a fixture (source and license: test/fixtures/README.md).
import ninjsSchema from './fixtures/ninjs-schema_3.1.json';
import { bearer, BINDINGS, CONTENT_PATHS, FIRST, gateway, LATE, REVOKED_JTI, seedStory, SLUG, type Gateway } from './support/gateway.ts';
import { htmlTags, pastExcerpt, readings, scripts, type ReadingOptions } from './support/text.ts';
import { descendants, kid, kids, parseXml, textOf, type XNode } from './support/xml.ts';

const BASE = 'https://wire.example';
const LICENSE_URL = `${BASE}/license`;
const RSL_URL = `${BASE}/license.xml`;
const RSL_TYPE = 'application/rsl+xml';
const RSL_NS = 'https://rslstandard.org/rsl';
const ATOM_NS = 'http://www.w3.org/2005/Atom';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const TDM_POLICY_PROFILE = 'http://www.w3.org/ns/tdmrep';
/** The excerpt of the seed story under the default budget: its first two paragraphs (SPEC §6). */
const EXCERPT_PARAGRAPHS = 2;
const COUNTRY_BINDINGS: Bindings = { ...BINDINGS, WIREGATE_COUNTRY_HEADER: 'CF-IPCountry' };

const RIGHTS_PATHS = ['/license.xml', '/robots.txt', '/.well-known/tdmrep.json', '/rights/tdm-policy.jsonld', '/rights/offer.jsonld'] as const;
const STORY_PATHS = CONTENT_PATHS.filter((p) => p.startsWith('/articles/'));
const FEED_PATHS = CONTENT_PATHS.filter((p) => p.startsWith('/feeds/'));

let gw: Gateway;
let story: Story;

beforeAll(async () => {
  gw = await gateway();
  story = seedStory(gw);
});

// ---------------------------------------------------------------------------------------------
// helpers

function get(path: string, init: RequestInit = {}, bindings: Bindings = BINDINGS): Promise<Response> {
  return gw.request(path, init, bindings);
}

async function ok(path: string, init: RequestInit = {}, bindings: Bindings = BINDINGS): Promise<{ res: Response; text: string }> {
  const res = await get(path, init, bindings);
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
  return { res, text };
}

async function demoAuth(claims: Record<string, unknown> = {}, scheme = 'Bearer'): Promise<RequestInit> {
  return bearer(await gw.token(claims), scheme);
}

/** A morocco-only request from Morocco, as the operator's trusted country header says. */
async function moroccoRequest(path: string, claims: Record<string, unknown> = {}): Promise<Response> {
  const token = await gw.token({ sub: 'morocco-only', scope: 'feed:world', ...claims });
  return get(path, { headers: { Authorization: `Bearer ${token}`, 'CF-IPCountry': 'MA' } }, COUNTRY_BINDINGS);
}

/** Every licensee's identifying strings (name, id, license number) from the registry. */
function licenseeMarks(id: string): string[] {
  const l = gw.data.registry.licensees.get(id);
  if (!l) throw new Error(`no licensee ${id}`);
  return [l.name, l.license, l.id];
}

function allLicenseeMarks(): string[] {
  return [...gw.data.registry.licensees.keys()].flatMap(licenseeMarks);
}

/** Bodies are read as text, entity-decoded, and as JSON including JSON inside strings and JSON-LD scripts. */
const READINGS: ReadingOptions = { nested: true, scripts: true };

/** Whole paragraphs and sentences past the excerpt: none may reach anyone without a license. */
function forbiddenTexts(): string[] {
  return [LATE, ...pastExcerpt(story.body, EXCERPT_PARAGRAPHS)];
}

function expectNoLeak(body: string, headers: Headers, label: string): void {
  const forbidden = forbiddenTexts();
  for (const reading of readings(body, READINGS)) {
    for (const text of forbidden) expect(reading.includes(text), `${label}: body holds "${text.slice(0, 50)}…"`).toBe(false);
  }
  headers.forEach((value, name) => {
    for (const text of forbidden) expect(value.includes(text), `${label}: header ${name} leaks`).toBe(false);
  });
}

function expectNoMarks(body: string, marks: readonly string[], label: string): void {
  for (const reading of readings(body, READINGS)) {
    for (const mark of marks) expect(reading.includes(mark), `${label}: mentions "${mark}"`).toBe(false);
  }
}

// ---- Link header (RFC 8288) -------------------------------------------------------------------

interface LinkValue {
  readonly uri: string;
  readonly params: Record<string, string>;
}

function parseLinks(header: string | null): LinkValue[] {
  const out: LinkValue[] = [];
  const re = /<([^>]*)>((?:\s*;\s*[^;,=\s]+\s*=\s*(?:"[^"]*"|[^;,\s]+))*)/g;
  for (const m of (header ?? '').matchAll(re)) {
    const params: Record<string, string> = {};
    for (const p of m[2]!.matchAll(/;\s*([^;,=\s]+)\s*=\s*(?:"([^"]*)"|([^;,\s]+))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3]!;
    out.push({ uri: m[1]!, params });
  }
  return out;
}

function expectRightsLinks(res: Response, label: string): void {
  const raw = res.headers.get('link') ?? '';
  expect(raw, `${label}: Link`).toContain(`<${LICENSE_URL}>; rel="license"`);
  expect(raw, `${label}: Link`).toContain(`<${RSL_URL}>; rel="license"; type="${RSL_TYPE}"`);
  const links = parseLinks(raw);
  const rels = (l: LinkValue) => (l.params['rel'] ?? '').toLowerCase().split(/\s+/);
  expect(
    links.some((l) => l.uri === LICENSE_URL && rels(l).includes('license')),
    `${label}: human license link`,
  ).toBe(true);
  expect(
    links.some((l) => l.uri === RSL_URL && rels(l).includes('license') && l.params['type'] === RSL_TYPE),
    `${label}: RSL license link`,
  ).toBe(true);
}

// ---- XML (the saxes tree is in ./support/xml.ts) ----------------------------------------------

function tokens(text: string): string[] {
  return text
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean);
}

// ---- HTML (tags and scripts by pattern are in ./support/text.ts) ------------------------------

function jsonLdOf(html: string): Record<string, unknown>[] {
  return scripts(html)
    .filter((s) => (s.attrs['type'] ?? '').trim().toLowerCase() === 'application/ld+json')
    .map((s) => JSON.parse(s.text) as Record<string, unknown>);
}

function expectRslLinkTag(html: string, label: string): void {
  const links = htmlTags(html, 'link').filter((a) => (a['rel'] ?? '').toLowerCase().split(/\s+/).includes('license'));
  const rsl = links.filter((a) => (a['type'] ?? '').toLowerCase() === RSL_TYPE);
  expect(rsl.length, `${label}: <link rel="license" type="${RSL_TYPE}">`).toBeGreaterThanOrEqual(1);
  for (const l of rsl) expect(new URL(l['href'] ?? '', BASE).href, `${label}: RSL link href`).toBe(RSL_URL);
}

// ---- ODRL ------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A rule's action name, whether given as a string or as an object with `rdf:value`/`@id`. */
function actionOf(rule: Json): string {
  const a = rule['action'];
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object') {
    const o = a as Json;
    const v = o['rdf:value'] ?? o['@id'] ?? o['value'];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as Json)['@id'] === 'string') return (v as Json)['@id'] as string;
  }
  return '';
}

const isAction = (rule: Json, name: string) => [name, `odrl:${name}`, `http://www.w3.org/ns/odrl/2/${name}`].includes(actionOf(rule));

function rulesOf(policy: Json, kind = 'permission'): Json[] {
  return asArray(policy[kind] as Json | Json[] | undefined);
}

function contextOf(doc: Json): unknown[] {
  return asArray(doc['@context'] as unknown);
}

function expectOdrlContext(doc: Json, label: string): void {
  const ctx = contextOf(doc);
  expect(
    ctx.some((c) => typeof c === 'string' && /^https?:\/\/www\.w3\.org\/ns\/odrl\.jsonld$/.test(c)),
    `${label}: ODRL @context`,
  ).toBe(true);
}

/** A party named by uid and/or a vCard name. */
function expectParty(party: unknown, label: string): Json {
  expect(party, `${label}`).toBeTruthy();
  const p = (typeof party === 'string' ? { uid: party } : party) as Json;
  expect(typeof p['uid'] === 'string' || typeof p['@id'] === 'string', `${label}: uid`).toBe(true);
  return p;
}

function operandValue(op: unknown): unknown {
  if (op && typeof op === 'object' && !Array.isArray(op)) {
    const o = op as Json;
    return o['@value'] ?? o['@id'] ?? o;
  }
  return op;
}

function constraintsOf(rule: Json): Json[] {
  return asArray(rule['constraint'] as Json | Json[] | undefined);
}

const leftIs = (c: Json, name: string) => [name, `odrl:${name}`, `http://www.w3.org/ns/odrl/2/${name}`].includes(String(c['leftOperand']));

async function policyJson(path: string, init: RequestInit = {}, bindings: Bindings = BINDINGS): Promise<{ res: Response; text: string; doc: Json }> {
  const { res, text } = await ok(path, init, bindings);
  expect(res.headers.get('content-type'), `${path} Content-Type`).toMatch(/^application\/(ld\+)?json(\s*;|$)/);
  return { res, text, doc: JSON.parse(text) as Json };
}

// ---- ninjs -----------------------------------------------------------------------------------

let validator: Validator;

function ninjsValidator(): Validator {
  if (!validator) {
    validator = new Validator(ninjsSchema as unknown as Schema, '2020-12', false);
    // The schema's `places[].geometry` refers to the GeoJSON schema, which cannot be fetched offline.
    // A permissive stub stands in for it; wiregate never emits geometry, so nothing here depends on it.
    validator.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json', type: 'object' });
  }
  return validator;
}

function expectValidNinjs(doc: unknown, label: string): void {
  const result = ninjsValidator().validate(doc);
  const errors = result.errors.map((e) => `${e.instanceLocation} ${e.keyword}: ${e.error}`);
  expect(errors, `${label}: ninjs 3.1 validation`).toEqual([]);
  expect(result.valid, label).toBe(true);
}

function bodyText(doc: Json): string {
  return asArray(doc['bodies'] as Json[] | undefined)
    .map((b) => String(b['value'] ?? ''))
    .join('\n');
}

function encodedRights(doc: Json): Json {
  const info = doc['rightsInfo'] as Json | Json[] | undefined;
  const first = asArray(info)[0];
  expect(first, 'rightsInfo').toBeTruthy();
  expect(typeof first!['encodedRights'], 'rightsInfo.encodedRights').toBe('string');
  return JSON.parse(first!['encodedRights'] as string) as Json;
}

// =============================================================================================
// RSL 1.0

describe('RSL: /license.xml', () => {
  it('is application/rsl+xml, public, and parses strictly with the RSL namespace on the root', async () => {
    const { res, text } = await ok('/license.xml');
    expect(res.headers.get('content-type')).toMatch(/^application\/rsl\+xml(\s*;|$)/);
    expect(res.headers.get('cache-control') ?? '').toMatch(/^public\b/);
    const root = parseXml(text, '/license.xml');
    expect(root.local).toBe('rsl');
    expect(root.uri).toBe(RSL_NS);
    // every element of the document is RSL's: nothing the RSL schema does not know
    for (const n of descendants(root)) expect(n.uri, `<${n.name}> namespace`).toBe(RSL_NS);
  });

  it('has <content url server>, an excerpt license as terms.json states, a paid full license, <legal>, <copyright>, <terms>', async () => {
    const terms = gw.data.registry.terms;
    const root = parseXml((await ok('/license.xml')).text, '/license.xml');
    const contents = kids(root, RSL_NS, 'content');
    expect(contents.length).toBeGreaterThanOrEqual(1);
    const content = contents[0]!;
    expect(URL.canParse(content.attrs['url'] ?? ''), 'content@url is absolute').toBe(true);
    expect(new URL(content.attrs['url']!).origin).toBe(BASE);
    expect(content.attrs['server']).toBe(terms.licenseServer);
    expect(URL.canParse(content.attrs['server'] ?? '')).toBe(true);

    const licenses = kids(content, RSL_NS, 'license');
    expect(licenses).toHaveLength(2);
    const usage = (l: XNode, kind: 'permits' | 'prohibits') =>
      kids(l, RSL_NS, kind)
        .filter((p) => (p.attrs['type'] ?? 'usage') === 'usage')
        .flatMap((p) => tokens(textOf(p)));
    const paymentType = (l: XNode) => kid(l, RSL_NS, 'payment').attrs['type'];

    // The excerpt license: free, search allowed, AI uses prohibited — exactly as licenses/terms.json says.
    const excerpt = licenses.find((l) => paymentType(l) === 'free');
    expect(excerpt, 'a free license for the public excerpt').toBeDefined();
    expect(terms.aiUse).toEqual({ search: 'yes', 'ai-input': 'no', 'ai-train': 'no' }); // the committed stance
    expect(usage(excerpt!, 'permits')).toContain('search');
    expect(usage(excerpt!, 'prohibits')).toEqual(expect.arrayContaining(['ai-train', 'ai-input']));
    for (const [use, signal] of Object.entries(terms.aiUse)) {
      expect(usage(excerpt!, signal === 'yes' ? 'permits' : 'prohibits'), `${use}=${signal}`).toContain(use);
      expect(usage(excerpt!, signal === 'yes' ? 'prohibits' : 'permits'), `${use}=${signal}`).not.toContain(use);
    }

    // The full license: everything else needs payment of the configured type.
    const full = licenses.find((l) => l !== excerpt)!;
    expect(paymentType(full)).toBe(terms.payment.type);
    expect(paymentType(full)).not.toBe('free');
    expect(usage(full, 'prohibits')).not.toContain('search');

    expect(kids(content, RSL_NS, 'legal').length).toBeGreaterThanOrEqual(1);
    const copyright = kid(content, RSL_NS, 'copyright');
    expect(textOf(copyright)).toContain('Associated Press');
    expect(terms.contact, "the repository's terms name a contact").toBeDefined();
    expect(copyright.attrs['contactEmail']).toBe(terms.contact?.email);
    expect(copyright.attrs['contactUrl']).toBe(terms.contact?.url);
    const termsEl = kid(content, RSL_NS, 'terms');
    expect(URL.canParse(textOf(termsEl).trim()), '<terms> is a URL').toBe(true);
    expect(textOf(termsEl).trim()).toBe(LICENSE_URL);
  });

  it('HEAD sends the type and no body; a conditional GET is a 304 that still advertises the license', async () => {
    const head = await get('/license.xml', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/rsl\+xml/);
    expect(await head.text()).toBe('');
    const first = await get('/license.xml');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await get('/license.xml', { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expectRightsLinks(again, '304 /license.xml');
  });
});

describe('RSL: Link on every response', () => {
  it('public content, rights documents, index, license page and health check', async () => {
    for (const path of [...CONTENT_PATHS, ...RIGHTS_PATHS, '/', '/license', '/healthz']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expectRightsLinks(res, `public ${path}`);
    }
  });

  it('licensed content and the licensee Agreement', async () => {
    for (const path of [...CONTENT_PATHS, '/rights/agreement.jsonld']) {
      const res = await get(path, await demoAuth());
      expect(res.status, path).toBe(200);
      expectRightsLinks(res, `licensed ${path}`);
    }
  });

  it('HEAD and 304', async () => {
    for (const path of CONTENT_PATHS) {
      const head = await get(path, { method: 'HEAD' });
      expectRightsLinks(head, `HEAD ${path}`);
      const etag = (await get(path)).headers.get('etag')!;
      const notModified = await get(path, { headers: { 'If-None-Match': etag } });
      expect(notModified.status, `304 ${path}`).toBe(304);
      expectRightsLinks(notModified, `304 ${path}`);
    }
  });

  it('refusals: 400, 401, 403, 404, 405', async () => {
    const cases: [string, RequestInit, number][] = [
      ['/nope', {}, 404],
      ['/articles/no-such-story.json', {}, 404],
      [`/articles/${SLUG}`, { method: 'POST' }, 405],
      ['/license.xml', { method: 'DELETE' }, 405],
      ['/rights/agreement.jsonld', { method: 'PUT' }, 405],
      [`/articles/${SLUG}.json`, bearer('not.a.jwt'), 401],
      [`/articles/${SLUG}.json`, bearer('not.a.jwt', 'License'), 401],
      ['/rights/agreement.jsonld', {}, 401],
      [`/articles/${SLUG}.json?access_token=x`, {}, 400],
      [`/articles/${SLUG}.json`, await demoAuth({ sub: 'sports-only', scope: 'feed:sports' }), 403],
    ];
    for (const [path, init, status] of cases) {
      const res = await get(path, init);
      expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(status);
      expectRightsLinks(res, `${status} ${path}`);
    }
  });
});

describe('RSL: robots.txt', () => {
  function groupFor(lines: string[], agent: string): string[] {
    const start = lines.findIndex((l) => new RegExp(`^user-agent\\s*:\\s*${agent.replace(/[*]/g, '\\*')}\\s*$`, 'i').test(l));
    expect(start, `a User-Agent: ${agent} group`).toBeGreaterThanOrEqual(0);
    const out: string[] = [];
    let inRules = false;
    for (const line of lines.slice(start + 1)) {
      if (/^user-agent\s*:/i.test(line)) {
        if (inRules) break;
        continue;
      }
      if (line !== '') inRules = true;
      out.push(line);
    }
    return out;
  }

  it('states the RSL License line and the content signals for User-Agent: *, and allows the excerpt to be indexed', async () => {
    const { res, text } = await ok('/robots.txt');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = text.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim());
    expect(lines).toContain(`License: ${RSL_URL}`);
    const star = groupFor(lines, '*');
    expect(star).toContain('Content-Signal: search=yes, ai-input=no, ai-train=no');
    expect(
      star.some((l) => /^allow\s*:\s*\/\s*$/i.test(l)),
      'Allow: /',
    ).toBe(true);
    expect(
      star.some((l) => /^disallow\s*:\s*\/\s*$/i.test(l)),
      'no Disallow: / for *',
    ).toBe(false);
    // with nothing configured, no crawler at all is blocked from the site
    expect(
      lines.some((l) => /^disallow\s*:\s*\/\s*$/i.test(l)),
      'no Disallow: / anywhere',
    ).toBe(false);
  });

  it('derives the content signal from licenses/terms.json', async () => {
    const { aiUse } = gw.data.registry.terms;
    const text = (await ok('/robots.txt')).text;
    const signal = /^Content-Signal:\s*(.+)$/im.exec(text)?.[1] ?? '';
    const parsed = Object.fromEntries(signal.split(',').map((kv) => kv.trim().split('=') as [string, string]));
    expect(parsed).toEqual({ ...aiUse });
  });
});

describe('RSL: HTML and RSS advertise the license', () => {
  it('story (public and licensed), index and license pages carry <link rel="license" type="application/rsl+xml">', async () => {
    const pages: [string, RequestInit][] = [
      [`/articles/${SLUG}`, {}],
      [`/articles/${SLUG}`, await demoAuth()],
      ['/', {}],
      ['/license', {}],
    ];
    for (const [path, init] of pages) {
      const { text } = await ok(path, init);
      expectRslLinkTag(text, path);
    }
  });

  for (const tier of ['public', 'licensed'] as const) {
    it(`every ${tier} RSS item has <rsl:content url> on the feed's origin, with the rsl namespace declared on the root`, async () => {
      const init = tier === 'licensed' ? await demoAuth() : {};
      const { text } = await ok('/feeds/world/rss.xml', init);
      const root = parseXml(text, `${tier} rss`);
      expect(root.local).toBe('rss');
      const prefix = Object.keys(root.attrs).find((k) => k.startsWith(`{${XMLNS_NS}}`) && root.attrs[k] === RSL_NS);
      expect(prefix, 'the RSL namespace is declared on <rss>').toBeDefined();
      const channel = kid(root, '', 'channel');
      const self = kids(channel, ATOM_NS, 'link').find((l) => l.attrs['rel'] === 'self');
      const feedOrigin = new URL(self?.attrs['href'] ?? `${BASE}/feeds/world/rss.xml`).origin;
      const items = kids(channel, '', 'item');
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        const content = kid(item, RSL_NS, 'content');
        const url = content.attrs['url'] ?? '';
        expect(URL.canParse(url), 'rsl:content@url absolute').toBe(true);
        expect(new URL(url).origin).toBe(feedOrigin);
        expect(url).toBe(textOf(kid(item, '', 'link')).trim());
        expect(content.attrs['server']).toBe(gw.data.registry.terms.licenseServer);
        expect(kids(content, RSL_NS, 'license').length).toBeGreaterThanOrEqual(1);
        expect(textOf(kid(content, RSL_NS, 'copyright'))).toContain(story.rightsHolder);
      }
    });
  }

  it('Atom feed and every entry carry <link rel="license"> (RFC 4946), public and licensed', async () => {
    for (const init of [{}, await demoAuth()]) {
      const root = parseXml((await ok('/feeds/world/atom.xml', init)).text, 'atom');
      const isLicense = (l: XNode) => l.attrs['rel'] === 'license';
      const feedLinks = kids(root, ATOM_NS, 'link').filter(isLicense);
      expect(feedLinks.map((l) => l.attrs['href'])).toContain(LICENSE_URL);
      const entries = kids(root, ATOM_NS, 'entry');
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries)
        expect(
          kids(e, ATOM_NS, 'link')
            .filter(isLicense)
            .map((l) => l.attrs['href']),
        ).toContain(LICENSE_URL);
    }
  });
});

describe('RSL: the License authorization scheme', () => {
  it('a refused License credential is answered with a License challenge', async () => {
    for (const path of [`/articles/${SLUG}.json`, '/feeds/world/rss.xml', '/rights/agreement.jsonld']) {
      const res = await get(path, bearer('not.a.jwt', 'License'));
      expect(res.status, path).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge, path).toMatch(/^License\s/);
      expect(challenge).toContain('error="invalid_token"');
      expect(challenge).not.toMatch(/\bBearer\b/);
    }
  });

  it('a License credential that is valid but not entitled gets a License insufficient_scope challenge', async () => {
    const res = await get(`/articles/${SLUG}.json`, await demoAuth({ sub: 'sports-only', scope: 'feed:sports' }, 'License'));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^License\s.*error="insufficient_scope"/);
  });

  it('a valid License credential gets the licensed copy and the Agreement', async () => {
    const { text } = await ok(`/articles/${SLUG}.txt`, await demoAuth({}, 'License'));
    expect(text).toContain(LATE);
    const { doc } = await policyJson('/rights/agreement.jsonld', await demoAuth({}, 'License'));
    expect(doc['@type']).toBe('Agreement');
  });
});

// =============================================================================================
// TDMRep

describe('TDMRep', () => {
  async function wellKnown(): Promise<Json[]> {
    const { res, text } = await ok('/.well-known/tdmrep.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json(\s*;|$)/);
    const doc = JSON.parse(text) as unknown;
    expect(Array.isArray(doc), 'tdmrep.json is a JSON array').toBe(true);
    return doc as Json[];
  }

  it('/.well-known/tdmrep.json reserves TDM rights and points to the policy', async () => {
    const rules = await wellKnown();
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(typeof rule['location']).toBe('string');
      expect(String(rule['location'])).toMatch(/^\//);
      expect(rule['tdm-reservation']).toBe(1);
      expect(URL.canParse(String(rule['tdm-policy'])), 'tdm-policy is a URL').toBe(true);
    }
    // a rule covers the story and feed paths
    const covering = rules.filter(
      (r) => ['/', '/*'].includes(String(r['location'])) || `/articles/${SLUG}`.startsWith(String(r['location']).replace(/\*$/, '')),
    );
    expect(covering.length).toBeGreaterThan(0);
  });

  it('story and feed responses, public and licensed, carry tdm-reservation and tdm-policy headers', async () => {
    const policy = String((await wellKnown())[0]!['tdm-policy']);
    for (const init of [{}, await demoAuth()]) {
      for (const path of [...STORY_PATHS, ...FEED_PATHS]) {
        const res = await get(path, init);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('tdm-reservation'), path).toBe('1');
        expect(res.headers.get('tdm-policy'), path).toBe(policy);
      }
    }
  });

  it('the story page carries the matching <meta> tags, public and licensed', async () => {
    const policy = String((await wellKnown())[0]!['tdm-policy']);
    for (const init of [{}, await demoAuth()]) {
      const metas = htmlTags((await ok(`/articles/${SLUG}`, init)).text, 'meta');
      const meta = (name: string) => metas.filter((m) => (m['name'] ?? '').toLowerCase() === name).map((m) => m['content']);
      expect(meta('tdm-reservation')).toEqual(['1']);
      expect(meta('tdm-policy')).toEqual([policy]);
    }
  });

  it('the policy is ODRL JSON-LD with the TDMRep profile, a tdm:mine permission and an assigner', async () => {
    const url = new URL(String((await wellKnown())[0]!['tdm-policy']));
    expect(url.origin).toBe(BASE);
    const { res, doc } = await policyJson(url.pathname + url.search);
    expect(res.headers.get('content-type')).toMatch(/^application\/(ld\+)?json/);
    expectOdrlContext(doc, 'tdm-policy');
    expect(doc['profile']).toBe(TDM_POLICY_PROFILE);
    expect(['Offer', 'Policy', 'Set']).toContain(doc['@type']);
    const mine = rulesOf(doc).filter((r) => ['tdm:mine', 'http://www.w3.org/ns/tdmrep#mine'].includes(actionOf(r)));
    expect(mine.length, 'a tdm:mine permission').toBeGreaterThan(0);
    const assigner = expectParty(doc['assigner'], 'tdm-policy assigner');
    expect(assigner['vcard:fn']).toBe(gw.data.registry.terms.operator);
    expect(assigner['vcard:hasEmail']).toBe(`mailto:${gw.data.registry.terms.contact?.email}`);
  });
});

// =============================================================================================
// ODRL 2.2 / RightsML

describe('ODRL/RightsML: the public Offer', () => {
  it('is an Offer with the RightsML profile, an assigner, and a distribute permission with an attribute duty per feed', async () => {
    const { res, text, doc } = await policyJson('/rights/offer.jsonld');
    expect(res.headers.get('cache-control') ?? '').toMatch(/^public\b/);
    expectOdrlContext(doc, 'offer');
    expect(doc['@type']).toBe('Offer');
    expect(typeof doc['uid']).toBe('string');
    expect(String(doc['profile'])).toMatch(/RightsML/i);
    const assigner = expectParty(doc['assigner'], 'offer assigner');
    expect(assigner['vcard:fn']).toBe(gw.data.registry.terms.operator);
    const permissions = rulesOf(doc);
    const feedIds = [...gw.data.catalog.feeds.keys()];
    expect(feedIds.length).toBeGreaterThan(0);
    for (const id of feedIds) {
      const rule = permissions.find((p) => isAction(p, 'distribute') && String(p['target'] ?? doc['target']).includes(`/feeds/${id}`));
      expect(rule, `a distribute permission on feed ${id}`).toBeDefined();
      expect(
        asArray(rule!['duty'] as Json[]).some((d) => isAction(d, 'attribute')),
        `feed ${id}: attribute duty`,
      ).toBe(true);
    }
    // public: no licensee's terms
    expectNoMarks(text, allLicenseeMarks(), 'offer');
  });
});

describe('ODRL/RightsML: a licensee Agreement', () => {
  it('without a token: 401 with a challenge, and no licensee data', async () => {
    const res = await get('/rights/agreement.jsonld');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectNoMarks(await res.text(), allLicenseeMarks(), 'anonymous agreement');
  });

  it('demo-newsroom: a private Agreement — assigner, assignee, distribute on world within its validity window', async () => {
    const { res, text, doc } = await policyJson('/rights/agreement.jsonld', await demoAuth());
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect((res.headers.get('vary') ?? '').toLowerCase()).toContain('authorization');
    expectOdrlContext(doc, 'agreement');
    expect(doc['@type']).toBe('Agreement');
    expect(String(doc['profile'])).toMatch(/RightsML/i);
    expectParty(doc['assigner'], 'assigner');
    const assignee = expectParty(doc['assignee'], 'assignee');
    expect(JSON.stringify(assignee)).toContain('demo-newsroom');
    const demo = gw.data.registry.licensees.get('demo-newsroom')!;
    const permissions = rulesOf(doc);
    const world = permissions.find((p) => isAction(p, 'distribute') && String(p['target']).includes('/feeds/world'));
    expect(world, 'distribute on the world feed').toBeDefined();
    const times = constraintsOf(world!).filter((c) => leftIs(c, 'dateTime'));
    const bound = (ops: string[]) => times.filter((c) => ops.includes(String(c['operator']).replace(/^odrl:/, ''))).map((c) => operandValue(c['rightOperand']));
    expect(bound(['gteq', 'gt'])).toEqual([demo.validFrom]);
    expect(bound(['lteq', 'lt'])).toEqual([demo.validUntil]);
    expect(asArray(world!['duty'] as Json[]).some((d) => isAction(d, 'attribute'))).toBe(true);
    // worldwide licensee: no spatial constraint
    expect(permissions.flatMap(constraintsOf).some((c) => leftIs(c, 'spatial'))).toBe(false);
    // nobody else's terms
    expectNoMarks(text, [...licenseeMarks('morocco-only'), 'Morocco Only', 'LIC-MA-1', ...licenseeMarks('sports-only')], 'demo agreement');
    expectNoLeak(text, res.headers, 'demo agreement');
  });

  it('morocco-only: a spatial constraint naming MA, and nothing of demo-newsroom', async () => {
    const res = await moroccoRequest('/rights/agreement.jsonld');
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const doc = JSON.parse(text) as Json;
    expect(doc['@type']).toBe('Agreement');
    expect(JSON.stringify(doc['assignee'])).toContain('morocco-only');
    const spatial = rulesOf(doc)
      .flatMap(constraintsOf)
      .filter((c) => leftIs(c, 'spatial'));
    expect(spatial.length).toBeGreaterThan(0);
    for (const c of spatial) {
      const values = asArray(c['rightOperand'] as unknown).map((v) => String(operandValue(v)));
      expect(
        values.some((v) => /(^|[/:#])MA$/.test(v)),
        `spatial operand names MA: ${values.join(', ')}`,
      ).toBe(true);
    }
    expectNoMarks(text, [...licenseeMarks('demo-newsroom'), 'Demo Newsroom', 'LIC-DEMO-0001'], 'morocco agreement');
  });

  it('grants no more than the token scope and the license file share', async () => {
    // morocco-only's file says every feed; a token scoped to world yields world only
    const doc = JSON.parse(await (await moroccoRequest('/rights/agreement.jsonld')).text()) as Json;
    for (const p of rulesOf(doc)) expect(String(p['target']), 'target').toMatch(/\/feeds\/world\/?$/);
  });

  it('is a valid ODRL policy (at least one rule), or refused, when token and license share no feed', async () => {
    // demo-newsroom is licensed for world only; a token scoped to sports shares nothing with it
    const res = await get('/rights/agreement.jsonld', await demoAuth({ scope: 'feed:sports' }));
    const text = await res.text();
    if (res.status === 200) {
      const doc = JSON.parse(text) as Json;
      const rules = ['permission', 'prohibition', 'obligation'].flatMap((k) => rulesOf(doc, k));
      expect(rules.length, `ODRL 2.2 §2.1: a Policy MUST have at least one rule; got ${text}`).toBeGreaterThan(0);
    } else {
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate') ?? '').toContain('insufficient_scope');
    }
  });

  const REFUSED: [string, Record<string, unknown>][] = [
    ['revoked', { jti: REVOKED_JTI }],
    ['suspended licensee', { sub: 'suspended-news' }],
    ['unknown licensee', { sub: 'no-such-licensee' }],
    ['reserved id "terms"', { sub: 'terms' }],
    ['reserved id "jwks"', { sub: 'jwks' }],
    ['reserved id "revoked"', { sub: 'revoked' }],
    ['expired', { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }],
  ];
  for (const [name, claims] of REFUSED) {
    it(`a ${name} token is refused with 401 and no agreement`, async () => {
      const res = await get('/rights/agreement.jsonld', await demoAuth(claims));
      const text = await res.text();
      expect(res.status, text).toBe(401);
      expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer\b.*error="invalid_token"/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(text).not.toContain('Agreement');
      expectNoMarks(text, allLicenseeMarks(), name);
    });
  }

  it('a token signed by an untrusted key is refused with 401', async () => {
    const res = await get('/rights/agreement.jsonld', bearer(await gw.token({}, { key: gw.untrusted })));
    expect(res.status).toBe(401);
    expectNoMarks(await res.text(), allLicenseeMarks(), 'untrusted key');
  });

  it('a token in the query string is refused with 400', async () => {
    const res = await get(`/rights/agreement.jsonld?access_token=${await gw.token()}`);
    expect(res.status).toBe(400);
    expectNoMarks(await res.text(), allLicenseeMarks(), 'query token');
  });
});

// =============================================================================================
// ninjs 3.1

describe('ninjs: /articles/{slug}.json against the IPTC ninjs 3.1 schema', () => {
  it('the validator really checks: broken documents fail', async () => {
    const good = JSON.parse((await ok(`/articles/${SLUG}.json`)).text) as Json;
    expectValidNinjs(good, 'control');
    const broken: [string, Json][] = [
      ['an unknown top-level property', { ...good, wiregateExtra: true }],
      ['pubStatus outside the enum', { ...good, pubStatus: 'published' }],
      ['version as a number', { ...good, version: 1 }],
      ['rightsInfo with neither linkedRights nor encodedRights', { ...good, rightsInfo: { langId: 'http://www.w3.org/ns/odrl/2/' } }],
      ['an unknown property inside rightsInfo', { ...good, rightsInfo: { ...(good['rightsInfo'] as Json), extra: 'x' } }],
      ['a body without a value', { ...good, bodies: [{ role: 'main' }] }],
    ];
    for (const [name, doc] of broken) expect(ninjsValidator().validate(doc).valid, `${name} must fail`).toBe(false);
  });

  it('public: valid ninjs, rights fields, the excerpt only, and the public Offer in rightsInfo', async () => {
    const { res, text } = await ok(`/articles/${SLUG}.json`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = JSON.parse(text) as Json;
    expectValidNinjs(doc, 'public ninjs');
    expect(doc['pubStatus']).toBe('usable');
    expect(doc['version']).toBe(String(story.version));
    expect(doc['copyrightHolder']).toBe(story.rightsHolder);
    expect(doc['copyrightNotice']).toBe(story.copyrightNotice);
    expect(doc['usageTerms']).toBe(story.usageTerms);
    const body = bodyText(doc);
    expect(body).toContain(FIRST);
    expect(body).not.toContain(LATE);
    const policy = encodedRights(doc);
    expectOdrlContext(policy, 'public rightsInfo');
    expect(policy['@type']).toBe('Offer');
    expectParty(policy['assigner'], 'public rightsInfo assigner');
    expect(rulesOf(policy).some((p) => isAction(p, 'distribute'))).toBe(true);
    expectNoMarks(text, allLicenseeMarks(), 'public ninjs');
    expectNoLeak(text, res.headers, 'public ninjs');
  });

  it("licensed: valid ninjs, the full text, and the licensee's own Agreement in rightsInfo", async () => {
    const { res, text } = await ok(`/articles/${SLUG}.json`, await demoAuth());
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const doc = JSON.parse(text) as Json;
    expectValidNinjs(doc, 'licensed ninjs');
    for (const field of ['pubStatus', 'version', 'copyrightHolder', 'copyrightNotice', 'usageTerms']) expect(typeof doc[field], field).toBe('string');
    const body = bodyText(doc);
    expect(body).toContain(FIRST);
    expect(body).toContain(LATE);
    for (const p of story.body) expect(body.includes(p), `paragraph verbatim: ${p.slice(0, 40)}…`).toBe(true);
    const policy = encodedRights(doc);
    expect(policy['@type']).toBe('Agreement');
    expect(JSON.stringify(policy['assignee'])).toContain('demo-newsroom');
    expectNoMarks(text, ['Morocco Only', 'LIC-MA-1', 'morocco-only'], 'demo ninjs');
  });

  it("licensed from Morocco: valid ninjs whose Agreement carries MA, and not demo-newsroom's terms", async () => {
    const res = await moroccoRequest(`/articles/${SLUG}.json`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const doc = JSON.parse(text) as Json;
    expectValidNinjs(doc, 'morocco ninjs');
    expect(bodyText(doc)).toContain(LATE);
    const policy = encodedRights(doc);
    expect(policy['@type']).toBe('Agreement');
    const spatial = rulesOf(policy)
      .flatMap(constraintsOf)
      .filter((c) => leftIs(c, 'spatial'));
    expect(JSON.stringify(spatial)).toMatch(/MA/);
    expectNoMarks(text, ['Demo Newsroom', 'LIC-DEMO-0001', 'demo-newsroom'], 'morocco ninjs');
  });
});

// =============================================================================================
// schema.org

describe('schema.org: NewsArticle JSON-LD in the story page', () => {
  it('public: exactly one NewsArticle with the rights fields, not free, and no text past the excerpt', async () => {
    const { res, text } = await ok(`/articles/${SLUG}`);
    const blocks = jsonLdOf(text);
    expect(blocks).toHaveLength(1);
    const a = blocks[0]!;
    expect(a['@context']).toMatch(/^https?:\/\/schema\.org\/?$/);
    expect(a['@type']).toBe('NewsArticle');
    expect(a['headline']).toBe(story.headline);
    expect(Date.parse(String(a['datePublished']))).toBe(Date.parse(story.published));
    expect(Date.parse(String(a['dateModified']))).toBe(Date.parse(story.updated));
    const org = (v: unknown) => (typeof v === 'string' ? v : String((v as Json | undefined)?.['name'] ?? ''));
    expect([org(a['author']), org(a['sourceOrganization'])]).toContain(story.source);
    expect(org(a['copyrightHolder'])).toBe(story.rightsHolder);
    expect(Number(a['copyrightYear'])).toBe(2021);
    expect(a['copyrightNotice']).toBe(story.copyrightNotice);
    expect(typeof a['license']).toBe('string');
    expect(new URL(String(a['license'])).origin).toBe(BASE);
    expect([LICENSE_URL, RSL_URL]).toContain(a['license']);
    expect(a['isAccessibleForFree']).toBe(false);
    if (a['articleBody'] !== undefined) {
      expect(String(a['articleBody'])).not.toContain(LATE);
      for (const t of forbiddenTexts()) expect(String(a['articleBody']).includes(t), `articleBody holds "${t.slice(0, 40)}…"`).toBe(false);
    }
    expectNoLeak(text, res.headers, 'public story page');
  });

  it('licensed: the articleBody holds the full text', async () => {
    const { text } = await ok(`/articles/${SLUG}`, await demoAuth());
    const blocks = jsonLdOf(text);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!['@type']).toBe('NewsArticle');
    expect(String(blocks[0]!['articleBody'])).toContain(LATE);
  });

  it('the JSON-LD cannot break out of its <script>', async () => {
    const { text } = await ok(`/articles/${SLUG}`);
    const block = scripts(text).find((s) => s.attrs['type'] === 'application/ld+json')!;
    expect(block.text).not.toMatch(/<\/?script/i);
    expect(block.text).not.toContain('<!--');
  });
});

// =============================================================================================
// Leaks: the new routes never carry story text past the excerpt

describe('no machine-readable rights document carries story text', () => {
  it('anonymous and licensed requests to the rights routes hold nothing past the excerpt', async () => {
    for (const init of [{}, await demoAuth()]) {
      for (const path of RIGHTS_PATHS) {
        const { res, text } = await ok(path, init);
        expectNoLeak(text, res.headers, `${path}${init.headers ? ' (licensed)' : ''}`);
        expect(text).not.toContain(FIRST.slice(0, 40));
      }
    }
  });

  it('the public content routes still hold nothing past the excerpt, JSON-LD and rightsInfo included', async () => {
    for (const path of CONTENT_PATHS) {
      const { res, text } = await ok(path);
      expectNoLeak(text, res.headers, path);
    }
  });

  it('an Agreement names no story text at all', async () => {
    const { text } = await ok('/rights/agreement.jsonld', await demoAuth());
    expect(text).not.toContain(FIRST);
    expectNoLeak(text, new Headers(), 'agreement');
  });
});

describe('the document base is the public URL', () => {
  it('links in the rights documents follow WIREGATE_PUBLIC_URL', async () => {
    const other: Bindings = { ...BINDINGS, WIREGATE_PUBLIC_URL: 'https://news.example.org' };
    const res = await get('/license.xml', {}, other);
    expect(res.headers.get('link') ?? '').toContain('<https://news.example.org/license.xml>; rel="license"; type="application/rsl+xml"');
    const root = parseXml(await res.text(), 'license.xml (other base)');
    expect(new URL(kid(root, RSL_NS, 'content').attrs['url']!).origin).toBe('https://news.example.org');
    const robots = await (await get('/robots.txt', {}, other)).text();
    expect(robots).toMatch(/^License: https:\/\/news\.example\.org\/license\.xml$/m);
    const tdm = JSON.parse(await (await get('/.well-known/tdmrep.json', {}, other)).text()) as Json[];
    expect(new URL(String(tdm[0]!['tdm-policy'])).origin).toBe('https://news.example.org');
  });
});

// =============================================================================================
// The same promises under the wire lifecycle: corrections and kills in a `lab` feed

describe('rights formats under the wire lifecycle (corrected and killed stories)', () => {
  const CORRECTED = 'lab-corrected-story';
  const KILLED = 'lab-killed-story';
  const para = (n: number) => `Paragraph ${n} of a lab story carries ordinary words so that the excerpt budget has something to measure.`;
  const labStory = (slug: string, extra: Record<string, unknown>) => ({
    slug,
    headline: `Lab story ${slug}`,
    dateline: 'Lab',
    published: '2020-05-01T10:00:00Z',
    updated: '2020-05-02T10:00:00Z',
    version: 2,
    source: 'Associated Press',
    rightsHolder: 'Associated Press',
    copyrightNotice: 'Copyright 2020 Associated Press. All rights reserved.',
    usageTerms: 'This material may not be published, broadcast, rewritten, or redistributed without permission.',
    feeds: ['lab'],
    body: [1, 2, 3, 4, 5, 6, 7, 8].map(para),
    ...extra,
  });
  let lab: Gateway;

  beforeAll(async () => {
    lab = await gateway({
      extraFeeds: [
        {
          path: `stories/${CORRECTED}.json`,
          text: JSON.stringify(labStory(CORRECTED, { status: 'usable', correction: 'An earlier version misspelled a name.' })),
        },
        { path: `stories/${KILLED}.json`, text: JSON.stringify(labStory(KILLED, { status: 'canceled', notice: 'Story killed: legal.' })) },
        { path: 'lab.json', text: JSON.stringify({ id: 'lab', title: 'Lab', description: 'Lab feed', language: 'en', stories: [CORRECTED, KILLED] }) },
      ],
    });
  });

  /** morocco-only holds every feed; from Morocco it is entitled to `lab`. */
  async function labLicensed(path: string): Promise<Response> {
    const token = await lab.token({ sub: 'morocco-only', scope: 'feed:lab' });
    return lab.request(path, { headers: { Authorization: `Bearer ${token}`, 'CF-IPCountry': 'MA' } }, COUNTRY_BINDINGS);
  }

  it('a corrected story is still valid ninjs, public and licensed', async () => {
    const pub = await lab.request(`/articles/${CORRECTED}.json`, {}, BINDINGS);
    expect(pub.status).toBe(200);
    expectValidNinjs(JSON.parse(await pub.text()), 'corrected, public');
    const lic = await labLicensed(`/articles/${CORRECTED}.json`);
    const text = await lic.text();
    expect(lic.status, text).toBe(200);
    expectValidNinjs(JSON.parse(text), 'corrected, licensed');
  });

  for (const tier of ['public', 'licensed'] as const) {
    it(`every item of the ${tier} RSS feed, advisories included, carries <rsl:content>`, async () => {
      const res = tier === 'public' ? await lab.request('/feeds/lab/rss.xml', {}, BINDINGS) : await labLicensed('/feeds/lab/rss.xml');
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(res.headers.get('tdm-reservation')).toBe('1');
      const channel = kid(parseXml(text, `lab rss ${tier}`), '', 'channel');
      const items = kids(channel, '', 'item');
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) {
        const title = textOf(kid(item, '', 'title'));
        const contents = kids(item, RSL_NS, 'content');
        expect(contents.length, `<item> "${title}" has <rsl:content>`).toBe(1);
        expect(new URL(contents[0]!.attrs['url'] ?? '').origin).toBe(BASE);
      }
    });
  }

  it('Atom entries of the lab feed carry <link rel="license">', async () => {
    const res = await labLicensed('/feeds/lab/atom.xml');
    const root = parseXml(await res.text(), 'lab atom');
    for (const e of kids(root, ATOM_NS, 'entry')) {
      expect(kids(e, ATOM_NS, 'link').some((l) => l.attrs['rel'] === 'license' && l.attrs['href'] === LICENSE_URL)).toBe(true);
    }
  });
});
