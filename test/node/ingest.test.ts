// Ingest of wire text (SPEC §1): the pure ingest() and `wiregate ingest` into the store of a scratch copy of the data.

import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingest, IngestError, slugify } from '../../src/ingest/ingest.ts';
import { BINDINGS, LATE, SLUG } from '../support/gateway.ts';
import { appOver, feedMembers, readJson, ROOT, runCli, storeContents, storedStory, tempCopies } from './support/scratch.ts';

const SEED = fileURLToPath(new URL('../fixtures/seed/000_363825acce16b393.txt', import.meta.url));
const STORY_FILE = join(ROOT, 'feeds', 'stories', `${SLUG}.json`);
const PUBLISHED = '2021-11-24T00:00:00Z';
const HEADLINE = 'The Israeli and Moroccan defense ministers meet in a historic visit';
const NOTICE = 'Copyright 2021 Associated Press. All rights reserved.';
const TERMS = 'This material may not be published, broadcast, rewritten, or redistributed without permission.';
const RIGHTS_LINE = `${NOTICE} ${TERMS}`;

const seedBytes = readFileSync(SEED);
const seedText = seedBytes.toString('utf8');
const committed = JSON.parse(readFileSync(STORY_FILE, 'utf8')) as Record<string, unknown>;

// ---- scratch copies of feeds/ and licenses/, and the CLI run inside them ----

const tempCopy = tempCopies('ingest');
const wiregate = (cwd: string, ...args: string[]) => runCli(args, { cwd });

/** Every file under a directory, path → bytes (as latin1 text so any byte compares exactly). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('latin1');
    }
  };
  walk(dir);
  return out;
}

/** What the CLI could change in a scratch copy: the files under feeds/ and every row of its store. */
async function state(dir: string): Promise<{ files: Record<string, string>; store: Record<string, unknown[]> }> {
  return { files: snapshot(join(dir, 'feeds')), store: await storeContents(dir) };
}

/** The paragraphs of the raw seed file, split on blank lines, exactly as they stand in it. */
function rawParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
}

const SECOND_STORY = [
  'Storm closes three ports on Morocco’s Atlantic coast',
  '',
  'Storm closes three ports on Morocco’s Atlantic coast',
  '',
  'Casablanca – A winter storm closed three ports on Morocco’s Atlantic coast on Thursday, stranding dozens of cargo ships.',
  '',
  'Port authorities said the closures would last at least two days while crews inspect the breakwaters.',
  '',
  'Fishermen  in Agadir — who lost a week of work last winter — said they had  not been warned.',
  '',
  RIGHTS_LINE,
  '',
  'Leave a Reply',
  '',
  'Your email address will not be published. Required fields are marked *',
  '',
].join('\n');
const SECOND_SLUG = 'storm-closes-three-ports-on-morocco-s-atlantic-coast';

// ---- the pure function ----

describe('ingest() of the seed story', () => {
  const story = ingest(seedBytes, { feed: 'world', published: PUBLISHED });

  it('equals the committed story JSON', () => {
    expect(story).toEqual(committed);
  });

  it('keeps the headline once, as the headline, and never in the body', () => {
    expect(story.headline).toBe(HEADLINE);
    expect(seedText.split(HEADLINE).length - 1).toBe(2); // the scrape repeats it
    expect(story.body.some((p) => p.includes(HEADLINE))).toBe(false);
  });

  it('drops the page chrome', () => {
    const all = JSON.stringify(story);
    expect(all).not.toContain('Leave a Reply');
    expect(all).not.toContain('Your email address');
    expect(all).not.toContain('Required fields');
  });

  it('moves the copyright line into the notice and usage terms', () => {
    expect(story.copyrightNotice).toBe(NOTICE);
    expect(story.usageTerms).toBe(TERMS);
    expect(story.rightsHolder).toBe('Associated Press');
    expect(story.source).toBe('Associated Press');
    for (const p of story.body) {
      expect(p).not.toMatch(/copyright/i);
      expect(p).not.toContain('may not be published');
    }
  });

  it('keeps every body paragraph byte-for-byte as a paragraph of the seed file', () => {
    const raw = rawParagraphs(seedText);
    expect(story.body.length).toBe(11);
    let cursor = -1;
    for (const p of story.body) {
      // whole paragraph, exactly, in order
      const at = raw.indexOf(p);
      expect(at, `not a paragraph of the seed: ${p.slice(0, 40)}…`).toBeGreaterThan(cursor);
      cursor = at;
      // and the very bytes occur in the file, bounded by line breaks
      expect(seedBytes.indexOf(Buffer.from(`\n${p}\n`, 'utf8'))).toBeGreaterThanOrEqual(0);
    }
    // nothing of the story itself was dropped: the raw paragraphs are headline ×2, body, rights, chrome ×2
    expect(raw).toEqual([
      HEADLINE,
      HEADLINE,
      ...story.body,
      RIGHTS_LINE,
      'Leave a Reply',
      'Your email address will not be published. Required fields are marked *',
    ]);
    // the typographic characters of the wire copy survive untouched
    expect(story.body.join('\n')).toContain('Gantz’s trip');
    expect(story.body[0]).toMatch(/^Rabat – The Israeli/);
    expect(story.dateline).toBe('Rabat');
  });

  it('makes the slug by the slug rule', () => {
    expect(story.slug).toBe(SLUG);
    expect(story.slug).toBe(HEADLINE.toLowerCase().replace(/[^a-z0-9]+/g, '-'));
    expect(slugify('Hello,   World!')).toBe('hello-world');
    expect(slugify('  U.S. -- and  E.U. talks (2021)  ')).toBe('u-s-and-e-u-talks-2021');
    expect(slugify('A’b—C')).toBe('a-b-c');
    for (const h of [HEADLINE, 'Storm: 3 ports shut', '“Quoted” headline…']) {
      expect(slugify(h)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('accepts CRLF line endings with the same body', () => {
    const crlf = Buffer.from(seedText.replace(/\n/g, '\r\n'), 'utf8');
    expect(ingest(crlf, { feed: 'world', published: PUBLISHED }).body).toEqual(story.body);
  });
});

describe('ingest() of the tail: chrome anywhere after the last paragraph, a copyright line without a blank line', () => {
  const story = ingest(seedBytes, { feed: 'world', published: PUBLISHED });
  const body = story.body.join('\n\n');
  const variants: { name: string; text: string }[] = [
    {
      name: 'chrome before the copyright line',
      text: `${HEADLINE}\n\n${body}\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n\n${RIGHTS_LINE}\n`,
    },
    {
      name: 'chrome on both sides of the copyright line',
      text: `${HEADLINE}\n\n${body}\n\nLeave a Reply\n\n${RIGHTS_LINE}\n\nYour email address will not be published. Required fields are marked *\n`,
    },
    {
      name: 'chrome lines with no blank line between them',
      text: `${HEADLINE}\n\n${body}\n\n${RIGHTS_LINE}\nLeave a Reply\nYour email address will not be published. Required fields are marked *\n`,
    },
    { name: 'a copyright line right under the last paragraph', text: `${HEADLINE}\n\n${body}\n${RIGHTS_LINE}\n\nLeave a Reply\n` },
    { name: 'a copyright line right under chrome right under the last paragraph', text: `${HEADLINE}\n\n${body}\nLeave a Reply\n${RIGHTS_LINE}\n` },
  ];
  for (const v of variants) {
    it(`${v.name}: the same body, notice and terms`, () => {
      const got = ingest(Buffer.from(v.text, 'utf8'), { feed: 'world', published: PUBLISHED });
      expect(got.body).toEqual(story.body);
      expect(got.copyrightNotice).toBe(NOTICE);
      expect(got.usageTerms).toBe(TERMS);
      expect(JSON.stringify(got)).not.toMatch(/Leave a Reply|Your email address/);
    });
  }

  it('still refuses text after the copyright line that is not page chrome', () => {
    const text = `${HEADLINE}\n\n${body}\n\n${RIGHTS_LINE}\n\nA paragraph of the next story.\n`;
    expect(() => ingest(Buffer.from(text, 'utf8'), { feed: 'world', published: PUBLISHED })).toThrow(/copyright line/);
  });

  it('takes a given slug, and refuses one outside the slug grammar', () => {
    expect(ingest(seedBytes, { feed: 'world', published: PUBLISHED, slug: 'defense-ministers-2' }).slug).toBe('defense-ministers-2');
    expect(() => ingest(seedBytes, { feed: 'world', published: PUBLISHED, slug: 'Bad Slug' })).toThrow(IngestError);
  });
});

// ---- refusals ----

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
const BAD_INPUTS: { name: string; bytes: Uint8Array; message: RegExp }[] = [
  { name: 'an empty file', bytes: new Uint8Array(0), message: /empty/ },
  { name: 'white space only', bytes: Buffer.from(' \n\n\t \r\n  \n'), message: /white ?space/ },
  { name: 'a binary file (PNG header with NUL bytes)', bytes: PNG, message: /binary/ },
  {
    name: 'invalid UTF-8',
    bytes: Buffer.concat([Buffer.from(`A headline\n\nBody text `), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(` here.\n\n${RIGHTS_LINE}\n`)]),
    message: /UTF-8/,
  },
  { name: 'a headline only', bytes: Buffer.from(`${HEADLINE}\n`), message: /copyright|body/i },
  {
    name: 'a headline and copyright line but no body',
    bytes: Buffer.from(`${HEADLINE}\n\n${HEADLINE}\n\n${RIGHTS_LINE}\n\nLeave a Reply\n`),
    message: /no body/,
  },
  {
    name: 'no copyright line',
    bytes: Buffer.from(seedText.replace(RIGHTS_LINE, ''), 'utf8'),
    message: /copyright line/,
  },
];

describe('ingest() refuses what is not one wire story', () => {
  for (const bad of BAD_INPUTS) {
    it(`refuses ${bad.name}`, () => {
      expect(() => ingest(bad.bytes, { feed: 'world', published: PUBLISHED })).toThrow(IngestError);
      expect(() => ingest(bad.bytes, { feed: 'world', published: PUBLISHED })).toThrow(bad.message);
    });
  }
});

// ---- the CLI ----

describe('wiregate ingest', () => {
  it('stores the committed story from the seed and adds it to its feed; the files stay as they were', async () => {
    const dir = tempCopy();
    // The first open of the store imports feeds/: without the seed story there, the store starts without it.
    rmSync(join(dir, 'feeds', 'stories', `${SLUG}.json`));
    writeFileSync(join(dir, 'feeds', 'world.json'), `${JSON.stringify({ ...readJson(join(ROOT, 'feeds', 'world.json')), stories: [] }, null, 2)}\n`);
    const files = snapshot(join(dir, 'feeds'));
    expect(await storedStory(dir, SLUG)).toBeUndefined();
    expect(await feedMembers(dir, 'world')).toEqual([]);

    const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--published', PUBLISHED);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(await storedStory(dir, SLUG)).toEqual(committed);
    expect(await feedMembers(dir, 'world')).toEqual([SLUG]);
    expect(snapshot(join(dir, 'feeds'))).toEqual(files);
    expect(wiregate(dir, 'check').status).toBe(0);
  }, 30_000);

  it('is idempotent: re-ingesting the seed changes nothing in the store or the files', async () => {
    const dir = tempCopy();
    const before = await state(dir);
    for (let i = 0; i < 2; i++) {
      const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--published', PUBLISHED);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^already stored: /);
      expect(await state(dir)).toEqual(before);
    }
  }, 30_000);

  it('--dry-run prints the story and writes nothing', async () => {
    const dir = tempCopy();
    rmSync(join(dir, 'feeds', 'stories', `${SLUG}.json`));
    writeFileSync(join(dir, 'feeds', 'world.json'), JSON.stringify({ id: 'world', title: 'World', description: 'World news.', language: 'en', stories: [] }));
    const before = await state(dir);
    const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--published', PUBLISHED, '--dry-run');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(committed);
    expect(await state(dir)).toEqual(before);
    expect(await storedStory(dir, SLUG)).toBeUndefined();
  }, 30_000);

  for (const bad of BAD_INPUTS) {
    it(`refuses ${bad.name} with a clear message, a non-zero exit and nothing written`, async () => {
      const dir = tempCopy();
      const file = join(dir, 'input.txt');
      writeFileSync(file, bad.bytes);
      const before = await state(dir);
      const r = wiregate(dir, 'ingest', file, '--feed', 'world', '--published', PUBLISHED);
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(bad.message);
      expect(r.stderr).toContain('nothing was written');
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(r.stdout).toBe('');
      expect(await state(dir)).toEqual(before);
    }, 30_000);
  }

  it('adds a second, different story to the same feed; check passes and both are served', async () => {
    const dir = tempCopy();
    const seedStoryBefore = await storedStory(dir, SLUG);
    expect(seedStoryBefore).toEqual(committed);
    const file = join(dir, 'second.txt');
    writeFileSync(file, SECOND_STORY);
    const r = wiregate(dir, 'ingest', file, '--feed', 'world', '--published', '2021-11-25T08:00:00Z');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    expect(await storedStory(dir, SECOND_SLUG)).toMatchObject({
      slug: SECOND_SLUG,
      headline: 'Storm closes three ports on Morocco’s Atlantic coast',
      dateline: 'Casablanca',
      published: '2021-11-25T08:00:00Z',
      feeds: ['world'],
      copyrightNotice: NOTICE,
      usageTerms: TERMS,
      body: [
        'Casablanca – A winter storm closed three ports on Morocco’s Atlantic coast on Thursday, stranding dozens of cargo ships.',
        'Port authorities said the closures would last at least two days while crews inspect the breakwaters.',
        'Fishermen  in Agadir — who lost a week of work last winter — said they had  not been warned.',
      ],
    });
    expect(await feedMembers(dir, 'world')).toEqual([SECOND_SLUG, SLUG]);
    expect(await storedStory(dir, SLUG)).toEqual(seedStoryBefore);

    const check = wiregate(dir, 'check');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);

    const app = await appOver(dir);
    const index = await app.request('/', { headers: { Accept: 'application/json' } }, BINDINGS);
    expect(index.status).toBe(200);
    const indexText = await index.text();
    expect(indexText).toContain(SECOND_SLUG);
    expect(indexText).toContain(SLUG);
    expect(indexText).not.toContain(LATE);
    const pub = await app.request(`/articles/${SECOND_SLUG}.json`, {}, BINDINGS);
    expect(pub.status).toBe(200);
    // the same file again is idempotent too
    const stored = await state(dir);
    expect(wiregate(dir, 'ingest', file, '--feed', 'world', '--published', '2021-11-25T08:00:00Z').status).toBe(0);
    expect(await feedMembers(dir, 'world')).toEqual([SECOND_SLUG, SLUG]);
    expect(await state(dir)).toEqual(stored);
  }, 30_000);

  it('refuses to overwrite a different story under the same slug: exit 2, a conflict message, the store keeps the old one', async () => {
    const dir = tempCopy();
    // The seed's headline (so its slug) with one body paragraph changed: other content under an existing slug (409).
    const file = join(dir, 'changed.txt');
    const changed = seedText.replace('Israel and Morocco established formal relations last year', 'Israel and Morocco established formal relations in 2020');
    expect(changed).not.toBe(seedText);
    writeFileSync(file, changed);
    const before = await state(dir);
    const r = wiregate(dir, 'ingest', file, '--feed', 'world', '--published', '2022-01-01T00:00:00Z');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/another story is stored under this slug/i);
    expect(r.stderr).toContain('nothing was changed');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await state(dir)).toEqual(before);
    expect(await storedStory(dir, SLUG)).toEqual(committed);
  }, 30_000);

  it('the same wire text with another --published is the same story: already stored, nothing changed', async () => {
    const dir = tempCopy();
    const before = await state(dir);
    const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--published', '2022-01-01T00:00:00Z');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^already stored: /);
    expect(await state(dir)).toEqual(before);
    expect((await storedStory(dir, SLUG))?.['published']).toBe(PUBLISHED);
  }, 30_000);

  it('--slug ingests under the given slug beside the story of the same headline (e.g. a replacement after a kill)', async () => {
    const dir = tempCopy();
    const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--published', '2022-01-01T00:00:00Z', '--slug', 'defense-ministers-replacement');
    expect(r.status, r.stderr).toBe(0);
    const stored = await storedStory(dir, 'defense-ministers-replacement');
    expect(stored).toMatchObject({ slug: 'defense-ministers-replacement', headline: HEADLINE, published: '2022-01-01T00:00:00Z', body: committed['body'] });
    expect(await storedStory(dir, SLUG)).toEqual(committed);
    expect(await feedMembers(dir, 'world')).toEqual(['defense-ministers-replacement', SLUG]);
    expect(wiregate(dir, 'check').status).toBe(0);
    expect((await (await appOver(dir)).request('/articles/defense-ministers-replacement', {}, BINDINGS)).status).toBe(200);
  }, 30_000);

  it('refuses a malformed --slug with exit 2 and writes nothing', async () => {
    const dir = tempCopy();
    const before = await state(dir);
    const r = wiregate(dir, 'ingest', SEED, '--feed', 'world', '--slug', 'Not/A Slug');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--slug .* lower-case/);
    expect(await state(dir)).toEqual(before);
  }, 30_000);
});
