// The lifecycle CLI (issue 5) on Node: embargo, release, correct, withhold, kill, each on the store of a
// scratch copy of feeds/ and licenses/, checked in that store, with `wiregate check` (the files stay valid),
// through an app built over the store, and (for WebSub) against a real hub on loopback.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINDINGS, bearer, FIRST, LATE, SLUG } from '../support/gateway.ts';
import type { Story } from '../../src/catalog/types.ts';
import { openSqlite, type SqliteStore } from '../../src/node/sqlite-driver.ts';
import type { Licensee } from '../../src/registry/registry.ts';
import { publishStory, putRecord } from '../../src/store/writes.ts';
import { appOver, feedMembers, readJson, ROOT, runCliAsync, storeContents, storedStory, tempCopies, writeJson } from './support/scratch.ts';

const SEED = join(ROOT, 'test', 'fixtures', 'seed', '000_363825acce16b393.txt');
const FEED_URLS = ['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`);

const tempCopy = tempCopies('lifecycle');

/** The CLI in `cwd`, run without blocking the event loop, so an in-process hub can answer it. */
const wiregate = (cwd: string, args: string[], env: Record<string, string> = {}) => runCliAsync(args, { cwd, env });

type StoredStory = Record<string, unknown> & { status: string; version: number; updated: string };

/** The seed story's current record in the CLI's store in `dir`. */
async function readStory(dir: string): Promise<StoredStory> {
  const story = await storedStory(dir, SLUG);
  if (!story) throw new Error(`${SLUG} is not in the store`);
  return story as StoredStory;
}

/** Every row of the store and every file under feeds/ and licenses/: "nothing was written" means this is unchanged. */
async function snapshot(dir: string): Promise<{ files: Record<string, string>; store: Record<string, unknown[]> }> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(join(dir, 'feeds'));
  walk(join(dir, 'licenses'));
  return { files: out, store: await storeContents(dir) };
}

async function publicView(
  dir: string,
): Promise<{ story: number; json: number; feedItems: number; index: string; ninjs?: Record<string, unknown>; problem?: Record<string, unknown> }> {
  const app = await appOver(dir);
  const story = await app.request(`/articles/${SLUG}`, {}, BINDINGS);
  const json = await app.request(`/articles/${SLUG}.json`, {}, BINDINGS);
  const body = (await json.json()) as Record<string, unknown>;
  const feed = (await (await app.request('/feeds/world/feed.json', {}, BINDINGS)).json()) as { items: unknown[] };
  const index = await (await app.request('/', { headers: { Accept: 'application/json' } }, BINDINGS)).text();
  return {
    story: story.status,
    json: json.status,
    feedItems: feed.items.length,
    index,
    ...(json.status === 200 ? { ninjs: body } : { problem: body }),
  };
}

async function expectCheckPasses(dir: string): Promise<void> {
  const r = await wiregate(dir, ['check']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^ok:/m);
}

describe('wiregate embargo / release', () => {
  it('embargo hides the story from an app over the store; release shows it again with a later `updated`', async () => {
    const dir = tempCopy();
    const original = await readStory(dir);
    expect((await publicView(dir)).story).toBe(200);

    const e = await wiregate(dir, ['embargo', SLUG, '--until', '2099-01-01T00:00:00Z']);
    expect(e.stderr).toBe('');
    expect(e.status).toBe(0);
    const embargoed = await readStory(dir);
    expect(embargoed.status).toBe('embargoed');
    expect(embargoed['embargoedUntil']).toBe('2099-01-01T00:00:00Z');
    expect(embargoed['body']).toEqual(original['body']);
    await expectCheckPasses(dir);

    const hidden = await publicView(dir);
    expect(hidden.story).toBe(404);
    expect(hidden.json).toBe(404);
    expect(hidden.problem?.['code']).toBe('not_found');
    expect(hidden.feedItems).toBe(0);
    expect(hidden.index).not.toContain(SLUG);

    const before = Date.now();
    const r = await wiregate(dir, ['release', SLUG]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const released = await readStory(dir);
    expect(released.status).toBe('usable');
    expect(released).not.toHaveProperty('embargoedUntil');
    expect(Date.parse(released.updated)).toBeGreaterThan(Date.parse(original.updated));
    expect(Date.parse(released.updated)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(released['body']).toEqual(original['body']);
    await expectCheckPasses(dir);

    const visible = await publicView(dir);
    expect(visible.story).toBe(200);
    expect(visible.feedItems).toBe(1);
    expect(visible.index).toContain(SLUG);
    expect(Date.parse(String(visible.ninjs?.['versionCreated']))).toBe(Date.parse(released.updated));
  }, 60_000);

  it('--until with an offset is stored as the same instant in UTC', async () => {
    const dir = tempCopy();
    const r = await wiregate(dir, ['embargo', SLUG, '--until', '2099-01-01T01:30:00+01:00']);
    expect(r.status).toBe(0);
    expect((await readStory(dir))['embargoedUntil']).toBe('2099-01-01T00:30:00Z');
  }, 30_000);
});

describe('wiregate correct', () => {
  it('--note bumps the version, records the note, moves `updated`; check still passes; the app shows the correction', async () => {
    const dir = tempCopy();
    const original = await readStory(dir);
    const r = await wiregate(dir, ['correct', SLUG, '--note', 'Corrects the spelling of the Moroccan minister name.']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const corrected = await readStory(dir);
    expect(corrected.version).toBe(original.version + 1);
    expect(corrected['correction']).toBe('Corrects the spelling of the Moroccan minister name.');
    expect(corrected.status).toBe('usable');
    expect(Date.parse(corrected.updated)).toBeGreaterThan(Date.parse(original.updated));
    expect(corrected['body']).toEqual(original['body']);
    expect(corrected['published']).toBe(original['published']);
    await expectCheckPasses(dir);

    const view = await publicView(dir);
    expect(view.ninjs?.['version']).toBe(String(original.version + 1));
    expect(view.ninjs?.['descriptions']).toEqual([
      { role: 'correction', contentType: 'text/plain', value: 'Corrects the spelling of the Moroccan minister name.' },
    ]);
    const html = await (await (await appOver(dir)).request(`/articles/${SLUG}`, {}, BINDINGS)).text();
    expect(html).toContain('Corrects the spelling of the Moroccan minister name.');

    // A second correction bumps again.
    expect((await wiregate(dir, ['correct', SLUG, '--note', 'Second fix.'])).status).toBe(0);
    expect((await readStory(dir)).version).toBe(original.version + 2);
    expect((await readStory(dir))['correction']).toBe('Second fix.');
  }, 60_000);

  it('--file re-ingests the wire text: body kept verbatim, version bumped', async () => {
    const dir = tempCopy();
    const original = await readStory(dir);
    const r = await wiregate(dir, ['correct', SLUG, '--note', 'Refiled.', '--file', SEED]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const refiled = await readStory(dir);
    expect(refiled['body']).toEqual(original['body']);
    expect(refiled['headline']).toBe(original['headline']);
    expect(refiled.version).toBe(original.version + 1);
    expect(refiled['feeds']).toEqual(original['feeds']);
    await expectCheckPasses(dir);
  }, 30_000);
});

describe('wiregate withhold / kill', () => {
  it('withhold answers 410 story_withheld; release makes it usable again', async () => {
    const dir = tempCopy();
    const w = await wiregate(dir, ['withhold', SLUG, '--reason', 'Pending a legal review.']);
    expect(w.stderr).toBe('');
    expect(w.status).toBe(0);
    const withheld = await readStory(dir);
    expect(withheld.status).toBe('withheld');
    expect(withheld['notice']).toBe('Pending a legal review.');
    await expectCheckPasses(dir);
    const gone = await publicView(dir);
    expect([gone.story, gone.json]).toEqual([410, 410]);
    expect(gone.problem?.['code']).toBe('story_withheld');
    expect(String(gone.problem?.['detail'])).toContain('Pending a legal review.');
    expect(gone.feedItems).toBe(0);

    const r = await wiregate(dir, ['release', SLUG]);
    expect(r.status).toBe(0);
    const released = await readStory(dir);
    expect(released.status).toBe('usable');
    expect(released).not.toHaveProperty('notice');
    const back = await publicView(dir);
    expect([back.story, back.json, back.feedItems]).toEqual([200, 200, 1]);
  }, 60_000);

  it('kill answers 410 story_killed to the public and to a licensee; release, correct, embargo and withhold of a killed story are refused', async () => {
    const dir = tempCopy();
    // A key and a token from the CLI itself, so the licensed path is checked over the same files.
    expect((await wiregate(dir, ['keys', 'generate', '--kid', 'lifecycle-key'])).status).toBe(0);
    const tok = await wiregate(dir, ['token', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1h']);
    expect(tok.status).toBe(0);
    const token = tok.stdout.trim();
    const licensed = await (await appOver(dir)).request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS);
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);

    const k = await wiregate(dir, ['kill', SLUG, '--reason', 'The story was based on a forged document.']);
    expect(k.stderr).toBe('');
    expect(k.status).toBe(0);
    const killed = await readStory(dir);
    expect(killed.status).toBe('canceled');
    expect(killed['notice']).toBe('The story was based on a forged document.');
    await expectCheckPasses(dir);

    const app = await appOver(dir);
    for (const suffix of ['', '.json', '.txt']) {
      for (const init of [{}, bearer(token)]) {
        const res = await app.request(`/articles/${SLUG}${suffix}`, init, BINDINGS);
        expect(res.status, suffix).toBe(410);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.headers.get('cache-control')).toBe('no-store');
        const problem = (await res.json()) as Record<string, unknown>;
        expect(problem['code']).toBe('story_killed');
        expect(String(problem['detail'])).toContain('The story was based on a forged document.');
        expect(JSON.stringify(problem)).not.toContain(FIRST);
      }
    }
    const atom = await (await app.request('/feeds/world/atom.xml', {}, BINDINGS)).text();
    expect(atom).toContain(`ref="https://wire.example/articles/${SLUG}"`);
    expect(atom).not.toContain('<entry>');

    const frozen = await snapshot(dir);
    for (const args of [
      ['release', SLUG],
      ['correct', SLUG, '--note', 'Too late.'],
      ['embargo', SLUG, '--until', '2099-01-01T00:00:00Z'],
      ['withhold', SLUG, '--reason', 'Too late.'],
    ]) {
      const r = await wiregate(dir, args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/kill/i);
      expect(await snapshot(dir), `${args[0]}: nothing written`).toEqual(frozen);
    }
    expect((await publicView(dir)).story).toBe(410);
  }, 90_000);
});

describe('impossible changes: exit 2 with a message, nothing written (issue 10)', () => {
  it('a gateway holding kept public answers sees a kill made by another process on its very next request', async () => {
    const dir = tempCopy();
    // One app over the store for the whole test, as a running server holds it.
    const app = await appOver(dir);
    const paths = [`/articles/${SLUG}`, `/articles/${SLUG}.json`, '/feeds/world/atom.xml'];
    for (const path of paths) {
      // The second answer is the kept one (src/http/kept-answers.ts).
      for (let i = 0; i < 2; i++) expect(await (await app.request(path, {}, BINDINGS)).text()).toContain('Moroccan counterpart');
    }
    const k = await wiregate(dir, ['kill', SLUG, '--reason', 'Forged.']);
    expect(k.status).toBe(0);
    for (const path of paths.slice(0, 2)) {
      const res = await app.request(path, {}, BINDINGS);
      expect(res.status, path).toBe(410);
      expect(await res.text()).not.toContain(FIRST);
    }
    expect(await (await app.request(paths[2]!, {}, BINDINGS)).text()).not.toContain('<entry>');
  }, 60_000);

  it('kill twice, withhold twice, and an embargo in the past are refused', async () => {
    const dir = tempCopy();
    const past = await wiregate(dir, ['embargo', SLUG, '--until', '2020-01-01T00:00:00Z']);
    expect(past.status).toBe(2);
    expect(past.stderr).toMatch(/future/);
    expect((await wiregate(dir, ['withhold', SLUG, '--reason', 'Checking.'])).status).toBe(0);
    const before = await snapshot(dir);
    const again = await wiregate(dir, ['withhold', SLUG, '--reason', 'Checking again.']);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/withheld already/);
    expect(await snapshot(dir)).toEqual(before);
    expect((await wiregate(dir, ['kill', SLUG, '--reason', 'Forged.'])).status).toBe(0);
    const killed = await snapshot(dir);
    const twice = await wiregate(dir, ['kill', SLUG, '--reason', 'Another reason.']);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/killed already; nothing was changed/);
    expect(await snapshot(dir)).toEqual(killed);
    expect((await readStory(dir))['notice']).toBe('Forged.');
  }, 60_000);
});

describe('bad input: non-zero exit, nothing written', () => {
  const CASES: { name: string; args: string[] }[] = [
    { name: 'unknown slug (embargo)', args: ['embargo', 'no-such-story', '--until', '2099-01-01T00:00:00Z'] },
    { name: 'unknown slug (release)', args: ['release', 'no-such-story'] },
    { name: 'unknown slug (kill)', args: ['kill', 'no-such-story', '--reason', 'x'] },
    { name: 'unknown slug (correct)', args: ['correct', 'no-such-story', '--note', 'x'] },
    { name: 'a slug that walks out of feeds/stories', args: ['release', '../world'] },
    { name: 'no slug', args: ['kill', '--reason', 'x'] },
    { name: 'embargo without --until', args: ['embargo', SLUG] },
    { name: 'embargo with an empty --until', args: ['embargo', SLUG, '--until', ''] },
    { name: 'embargo with --until not-a-date', args: ['embargo', SLUG, '--until', 'not-a-date'] },
    { name: 'embargo with month 13', args: ['embargo', SLUG, '--until', '2099-13-01T00:00:00Z'] },
    { name: 'kill without --reason', args: ['kill', SLUG] },
    { name: 'kill with a blank --reason', args: ['kill', SLUG, '--reason', '   '] },
    { name: 'withhold without --reason', args: ['withhold', SLUG] },
    { name: 'correct without --note', args: ['correct', SLUG] },
    { name: 'correct with a --file that does not exist', args: ['correct', SLUG, '--note', 'x', '--file', 'no-such-file.txt'] },
  ];

  it.each(CASES)(
    '$name',
    async ({ args }) => {
      const dir = tempCopy();
      const before = await snapshot(dir);
      const r = await wiregate(dir, args);
      expect(r.status, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).not.toBe(0);
      expect(r.stderr.trim(), 'says what is wrong').not.toBe('');
      expect(await snapshot(dir)).toEqual(before);
    },
    30_000,
  );

  // --until is documented as an ISO 8601 time: inputs that are not one must not become some other instant.
  it.each([
    { name: 'an impossible calendar date (30 February)', until: '2099-02-30T09:00:00Z' },
    { name: 'a bare number', until: '1' },
  ])(
    'embargo --until with $name is refused, not rolled over to another instant',
    async ({ until }) => {
      const dir = tempCopy();
      const before = await snapshot(dir);
      const r = await wiregate(dir, ['embargo', SLUG, '--until', until]);
      const stored = (await readStory(dir))['embargoedUntil'];
      expect({ status: r.status === 0 ? 0 : 'non-zero', stored }, `${until} → ${String(stored)}`).toEqual({ status: 'non-zero', stored: undefined });
      expect(await snapshot(dir)).toEqual(before);
    },
    30_000,
  );
});

describe('WebSub: a change of state notifies the hub', () => {
  interface Received {
    readonly method: string;
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
  }

  async function hub(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
    const received: Received[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push({ method: req.method ?? '', headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/hub`,
      received,
      close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
    };
  }

  it("kill POSTs hub.mode=publish with hub.url for each of the three formats of the story's feed", async () => {
    const h = await hub();
    try {
      const dir = tempCopy();
      const env = { WIREGATE_WEBSUB_HUB: h.url, WIREGATE_PUBLIC_URL: 'https://wire.example' };
      const r = await wiregate(dir, ['kill', SLUG, '--reason', 'Killed for the hub test.'], env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(h.received).toHaveLength(3);
      for (const got of h.received) {
        expect(got.method).toBe('POST');
        expect(got.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
        const form = new URLSearchParams(got.body);
        expect(form.get('hub.mode')).toBe('publish');
      }
      expect(h.received.map((g) => new URLSearchParams(g.body).get('hub.url')).sort()).toEqual([...FEED_URLS].sort());

      // A refused change notifies nobody.
      const refused = await wiregate(dir, ['release', SLUG], env);
      expect(refused.status).not.toBe(0);
      expect(h.received).toHaveLength(3);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('every lifecycle verb notifies; without WIREGATE_WEBSUB_HUB nothing is sent', async () => {
    const h = await hub();
    try {
      const dir = tempCopy();
      const env = { WIREGATE_WEBSUB_HUB: h.url, WIREGATE_PUBLIC_URL: 'https://wire.example' };
      expect((await wiregate(dir, ['embargo', SLUG, '--until', '2099-01-01T00:00:00Z'], env)).status).toBe(0);
      expect((await wiregate(dir, ['release', SLUG], env)).status).toBe(0);
      expect((await wiregate(dir, ['correct', SLUG, '--note', 'Fix.'], env)).status).toBe(0);
      expect((await wiregate(dir, ['withhold', SLUG, '--reason', 'Hold.'], env)).status).toBe(0);
      expect(h.received).toHaveLength(12);
      expect((await wiregate(dir, ['release', SLUG], { WIREGATE_PUBLIC_URL: 'https://wire.example' })).status).toBe(0);
      expect(h.received).toHaveLength(12);
    } finally {
      await h.close();
    }
  }, 90_000);

  it('an unreachable hub does not undo or fail the change', async () => {
    const h = await hub();
    const url = h.url;
    await h.close();
    const dir = tempCopy();
    const r = await wiregate(dir, ['kill', SLUG, '--reason', 'Hub is down.'], { WIREGATE_WEBSUB_HUB: url });
    expect(r.status).toBe(0);
    expect((await readStory(dir)).status).toBe('canceled');
    expect(r.stderr).toMatch(/websub/i);
  }, 30_000);
});

describe('wiregate import never undoes an operator’s change (SPEC §10)', () => {
  /** Opens the CLI's store in `dir` for one write an operator would make through the API. */
  async function asOperator(dir: string, write: (db: SqliteStore['driver']) => Promise<unknown>): Promise<void> {
    await storeContents(dir); // fills a new store from the files, as the CLI's first run would
    const sqlite = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    try {
      await write(sqlite.driver);
    } finally {
      sqlite.close();
    }
  }

  it('a killed story stays killed, for the public and for a licensee, and import says it kept it', async () => {
    const dir = tempCopy();
    expect((await wiregate(dir, ['keys', 'generate', '--kid', 'import-key'])).status).toBe(0);
    const token = (await wiregate(dir, ['token', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1h'])).stdout.trim();
    expect((await wiregate(dir, ['kill', SLUG, '--reason', 'Legal: do not use.'])).status).toBe(0);
    const before = await storeContents(dir);

    const r = await wiregate(dir, ['import']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`kept 1 stories an operator changed.*: ${SLUG}`));
    expect((await readStory(dir)).status).toBe('canceled');
    expect((await storeContents(dir))['stories']).toEqual(before['stories']);
    const app = await appOver(dir);
    for (const init of [{}, bearer(token)]) {
      const res = await app.request(`/articles/${SLUG}.txt`, init, BINDINGS);
      expect(res.status).toBe(410);
      expect(await res.text()).not.toContain(LATE);
    }
  }, 60_000);

  it('a correction and a withhold stand; a story published through the API keeps its place in the feed', async () => {
    const dir = tempCopy();
    expect((await wiregate(dir, ['correct', SLUG, '--note', 'Corrects the date.'])).status).toBe(0);
    expect((await wiregate(dir, ['withhold', SLUG, '--reason', 'Checking a name.'])).status).toBe(0);
    await asOperator(dir, async (db) => {
      const seed = (await storedStory(dir, SLUG)) as unknown as Story;
      const story: Story = { ...seed, slug: 'api-second-take', headline: `${seed.headline} (second take)`, version: 1, status: 'usable' };
      await publishStory(db, story, { operator: 'test' }, Date.now());
    });
    const membersBefore = await feedMembers(dir, 'world');
    expect(membersBefore).toContain('api-second-take');

    expect((await wiregate(dir, ['import'])).status).toBe(0);
    const story = await readStory(dir);
    expect(story.version).toBe(2);
    expect(story.status).toBe('withheld');
    expect(await feedMembers(dir, 'world')).toEqual(membersBefore);
  }, 60_000);

  it('a suspension through the API stands; a licensee the files still manage follows its file', async () => {
    const dir = tempCopy();
    const file = join(dir, 'licenses', 'demo-newsroom.json');
    const demo = readJson(file) as unknown as Licensee;
    writeJson(join(dir, 'licenses', 'second-desk.json'), { ...demo, id: 'second-desk', name: 'Second Desk', license: 'LIC-SECOND-1' });
    await asOperator(dir, (db) => putRecord(db, 'licensee', { ...demo, status: 'suspended' }, { operator: 'test' }, Date.now()));

    writeJson(join(dir, 'licenses', 'second-desk.json'), { ...demo, id: 'second-desk', name: 'Second Desk, renamed', license: 'LIC-SECOND-1' });
    const r = await wiregate(dir, ['import']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kept 1 licensees an operator changed.*: demo-newsroom/);
    const records = (await storeContents(dir))['licensees'] as { id: string; record: string }[];
    const record = (id: string) => JSON.parse(records.find((l) => l.id === id)!.record) as Licensee;
    expect(record('demo-newsroom').status).toBe('suspended');
    expect(record('second-desk').name).toBe('Second Desk, renamed');
  }, 60_000);
});
