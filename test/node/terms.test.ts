// licenses/terms.json (issue 4): the operator's terms are validated by `wiregate check`, refuse start-up
// when broken, and are the one source of truth for robots.txt, RSL and ODRL.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_CONTACT } from '../../src/render/how-to-license.ts';
import { BINDINGS, LATE, SLUG } from '../support/gateway.ts';
import { descendants, parseXml, textOf } from '../support/xml.ts';
import { appOver, readJson, ROOT, runCli, tempCopies, writeJson } from './support/scratch.ts';

const TERMS = 'licenses/terms.json';
const RSL_NS = 'https://rslstandard.org/rsl';

const tempCopy = tempCopies('terms');
const check = (cwd: string) => runCli(['check'], { cwd });

type Json = Record<string, unknown>;
const termsOf = (dir: string) => readJson(join(dir, TERMS));
const setTerms = (dir: string, patch: (t: Json) => Json) => writeJson(join(dir, TERMS), patch(termsOf(dir)));

async function fetchText(dir: string, path: string): Promise<string> {
  const res = await (await appOver(dir)).request(path, {}, BINDINGS);
  expect(res.status, path).toBe(200);
  return res.text();
}

describe('licenses/terms.json in the repository', () => {
  it('states operator, contact, license server, payment and the AI-use stance, and check passes', () => {
    const terms = readJson(join(ROOT, TERMS));
    expect(typeof terms['operator']).toBe('string');
    expect((terms['contact'] as Json)['email']).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    expect(URL.canParse(String((terms['contact'] as Json)['url']))).toBe(true);
    expect(URL.canParse(String(terms['licenseServer']))).toBe(true);
    expect(terms['aiUse']).toEqual({ search: 'yes', 'ai-input': 'no', 'ai-train': 'no' });
    const dir = tempCopy();
    const r = check(dir);
    expect(r.status, r.output).toBe(0);
  }, 30_000);
});

describe('wiregate check refuses broken operator terms', () => {
  const BREAKS: { name: string; file: string; field: string | RegExp; breakIt: (dir: string) => void }[] = [
    { name: 'invalid JSON', file: TERMS, field: /JSON/, breakIt: (dir) => writeFileSync(join(dir, TERMS), '{"operator": ') },
    { name: 'a non-object', file: TERMS, field: '(root)', breakIt: (dir) => writeJson(join(dir, TERMS), ['x']) },
    {
      name: 'a bad contact email',
      file: TERMS,
      field: 'contact.email',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, contact: { ...(t['contact'] as Json), email: 'licensing-at-example' } })),
    },
    {
      name: 'a non-URL contact url',
      file: TERMS,
      field: 'contact.url',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, contact: { ...(t['contact'] as Json), url: 'call us' } })),
    },
    {
      name: 'aiUse "maybe"',
      file: TERMS,
      field: 'aiUse.ai-train',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, aiUse: { ...(t['aiUse'] as Json), 'ai-train': 'maybe' } })),
    },
    {
      name: 'aiUse missing search',
      file: TERMS,
      field: 'aiUse.search',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, aiUse: { 'ai-input': 'no', 'ai-train': 'no' } })),
    },
    {
      name: 'an unknown payment type',
      file: TERMS,
      field: 'payment.type',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, payment: { ...(t['payment'] as Json), type: 'barter' } })),
    },
    {
      name: 'a non-URL licenseServer',
      file: TERMS,
      field: 'licenseServer',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, licenseServer: 'rsl.example/server' })),
    },
    {
      name: 'a licenseServer that is not http(s)',
      file: TERMS,
      field: 'licenseServer',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, licenseServer: 'javascript:alert(1)' })),
    },
    { name: 'a missing operator', file: TERMS, field: 'operator', breakIt: (dir) => setTerms(dir, ({ operator: _, ...t }) => t) },
    { name: 'an unknown field', file: TERMS, field: 'aiUsage', breakIt: (dir) => setTerms(dir, (t) => ({ ...t, aiUsage: {} })) },
    {
      name: 'a blocked crawler name that would inject robots.txt lines',
      file: TERMS,
      field: 'blockedCrawlers[0]',
      breakIt: (dir) => setTerms(dir, (t) => ({ ...t, blockedCrawlers: ['GPTBot\nUser-Agent: *\nDisallow: /'] })),
    },
    {
      name: 'a licensee taking the reserved id "terms"',
      file: 'licenses/terms-desk.json',
      // refused as reserved, not merely because the id and file name differ
      field: /\bid\b.*reserved/i,
      breakIt: (dir) =>
        writeJson(join(dir, 'licenses', 'terms-desk.json'), {
          id: 'terms',
          name: 'Terms Desk',
          status: 'active',
          license: 'LIC-T-1',
          feeds: ['world'],
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: '2027-01-01T00:00:00Z',
        }),
    },
  ];

  for (const b of BREAKS) {
    it(`fails on ${b.name}, naming ${b.file} and the field; start-up refuses too`, async () => {
      const dir = tempCopy();
      b.breakIt(dir);
      const r = check(dir);
      expect(r.status, r.output).not.toBe(0);
      expect(r.status).not.toBeNull();
      const lines = r.output.split('\n').filter((l) => l.includes(b.file) && /error/i.test(l));
      expect(lines.length, `no error line naming ${b.file} in:\n${r.output}`).toBeGreaterThan(0);
      const named = lines.some((l) => (typeof b.field === 'string' ? l.includes(b.field) : b.field.test(l)));
      expect(named, `no error line naming ${b.file} and ${b.field} in:\n${r.output}`).toBe(true);
      expect(r.output).not.toMatch(/\n\s+at /);
      // the server would not start over these files either: no silent fallback to default terms
      await expect(appOver(dir)).rejects.toThrow(b.file);
    }, 30_000);
  }
});

describe('terms.json is the one source of truth', () => {
  it('blockedCrawlers: ["GPTBot"] gives GPTBot its own Disallow: / group, and everyone else is still allowed', async () => {
    const dir = tempCopy();
    setTerms(dir, (t) => ({ ...t, blockedCrawlers: ['GPTBot'] }));
    expect(check(dir).status).toBe(0);
    const robots = await fetchText(dir, '/robots.txt');
    const lines = robots.split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim());
    const gpt = lines.findIndex((l) => /^user-agent\s*:\s*GPTBot$/i.test(l));
    expect(gpt, robots).toBeGreaterThanOrEqual(0);
    const gptGroup: string[] = [];
    for (const l of lines.slice(gpt + 1)) {
      if (/^user-agent\s*:/i.test(l)) break;
      gptGroup.push(l);
    }
    expect(
      gptGroup.some((l) => /^disallow\s*:\s*\/$/i.test(l)),
      robots,
    ).toBe(true);
    const star = lines.findIndex((l) => /^user-agent\s*:\s*\*$/i.test(l));
    expect(star).toBeGreaterThanOrEqual(0);
    const starGroup: string[] = [];
    for (const l of lines.slice(star + 1)) {
      if (/^user-agent\s*:/i.test(l)) break;
      starGroup.push(l);
    }
    expect(
      starGroup.some((l) => /^disallow\s*:\s*\/$/i.test(l)),
      'no Disallow: / for *',
    ).toBe(false);
    expect(starGroup.some((l) => /^allow\s*:\s*\/$/i.test(l))).toBe(true);
    expect(robots).toMatch(/^License: https:\/\/wire\.example\/license\.xml$/m);
  });

  it('the AI-use stance, license server, payment type and contact flow into robots.txt, RSL and ODRL', async () => {
    const dir = tempCopy();
    setTerms(dir, (t) => ({
      ...t,
      operator: 'Other Desk',
      contact: { email: 'rights@other.example', url: 'https://other.example/rights' },
      licenseServer: 'https://other.example/rsl-server',
      payment: { type: 'purchase', url: 'https://other.example/buy' },
      aiUse: { search: 'yes', 'ai-input': 'yes', 'ai-train': 'no' },
    }));
    expect(check(dir).status).toBe(0);

    const robots = await fetchText(dir, '/robots.txt');
    expect(robots).toMatch(/^Content-Signal: search=yes, ai-input=yes, ai-train=no$/m);

    const xml = await fetchText(dir, '/license.xml');
    const root = parseXml(xml, 'license.xml');
    const els = (local: string) => [root, ...descendants(root)].filter((n) => n.uri === RSL_NS && n.local === local);
    expect(els('content')[0]?.attrs['server']).toBe('https://other.example/rsl-server');
    expect(els('payment').map((p) => p.attrs['type'])).toEqual(expect.arrayContaining(['free', 'purchase']));
    expect(els('copyright')[0]?.attrs['contactEmail']).toBe('rights@other.example');
    const permitted = els('permits')
      .filter((p) => p.attrs['type'] === 'usage')
      .flatMap((p) =>
        textOf(p)
          .trim()
          .split(/[\s,]+/),
      );
    expect(permitted).toEqual(expect.arrayContaining(['search', 'ai-input']));
    const prohibited = els('prohibits')
      .filter((p) => p.attrs['type'] === 'usage')
      .flatMap((p) =>
        textOf(p)
          .trim()
          .split(/[\s,]+/),
      );
    expect(prohibited).toContain('ai-train');
    expect(prohibited).not.toContain('ai-input');

    const offer = JSON.parse(await fetchText(dir, '/rights/offer.jsonld')) as Json;
    expect((offer['assigner'] as Json)['vcard:fn']).toBe('Other Desk');
    expect((offer['assigner'] as Json)['vcard:hasEmail']).toBe('mailto:rights@other.example');
    const policy = JSON.parse(await fetchText(dir, '/rights/tdm-policy.jsonld')) as Json;
    expect((policy['assigner'] as Json)['vcard:fn']).toBe('Other Desk');
    for (const path of ['/robots.txt', '/license.xml', '/rights/offer.jsonld']) expect(await fetchText(dir, path)).not.toContain(LATE);
  });

  it('pack bundles terms.json for the Worker', () => {
    const dir = tempCopy();
    const r = runCli(['pack'], { cwd: dir });
    expect(r.status, r.output).toBe(0);
    const bundle = readJson(join(dir, 'build', 'data.json')) as { licenses: { path: string; text: string }[] };
    const terms = bundle.licenses.find((f) => f.path === 'terms.json');
    expect(terms, 'terms.json in the bundle').toBeDefined();
    expect(JSON.parse(terms!.text)).toEqual(readJson(join(ROOT, TERMS)));
  }, 30_000);
});

describe('terms.json is optional (SPEC §2)', () => {
  it('without it, check warns (exit 0), the gateway starts, and the license pages say plainly that no contact is configured', async () => {
    const dir = tempCopy();
    rmSync(join(dir, TERMS));
    const r = check(dir);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/warning: licenses\/terms\.json: \(file\) is absent/);
    for (const path of ['/license', `/articles/${SLUG}`]) {
      const html = await fetchText(dir, path);
      expect(html, path).toContain(NO_CONTACT);
      expect(html, path).not.toContain('mailto:');
      expect(html, path).not.toMatch(/Authorization|Bearer/);
    }
    const root = parseXml(await fetchText(dir, '/license.xml'), 'license.xml');
    const els = (local: string) => [root, ...descendants(root)].filter((n) => n.uri === RSL_NS && n.local === local);
    expect(els('content')[0]?.attrs['server'], 'no license server is invented').toBeUndefined();
    expect(els('copyright')[0]?.attrs['contactEmail']).toBeUndefined();
    const offer = JSON.parse(await fetchText(dir, '/rights/offer.jsonld')) as Json;
    expect(offer['assigner'] as Json).not.toHaveProperty('vcard:hasEmail');
    const robots = await fetchText(dir, '/robots.txt');
    expect(robots).toMatch(/^Content-Signal: search=yes, ai-input=no, ai-train=no$/m);
  }, 30_000);

  it("with it, /license and the story page give the operator's contact in words for people", async () => {
    const dir = tempCopy();
    setTerms(dir, (t) => ({ ...t, operator: 'Other Desk', contact: { email: 'rights@other.example', url: 'https://other.example/rights' } }));
    for (const path of ['/license', `/articles/${SLUG}`]) {
      const html = await fetchText(dir, path);
      expect(html, path).toContain('write to Other Desk at <a href="mailto:rights@other.example">rights@other.example</a>');
      expect(html, path).toContain('href="https://other.example/rights"');
      expect(html, path).not.toContain(NO_CONTACT);
      expect(html, path).not.toMatch(/Authorization|Bearer/);
    }
  }, 30_000);
});
