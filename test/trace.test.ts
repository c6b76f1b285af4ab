// Trace (SPEC §14, issue 16): normalising, HTML reduction, fingerprints, comparison, receipts and the report.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import seedStoryFile from '../feeds/stories/the-israeli-and-moroccan-defense-ministers-meet-in-a-historic-visit.json';
import { receiptId } from '../src/access/receipt.ts';
import { compare, pageText } from '../src/trace/compare.ts';
import { candidates, fingerprints, type VersionRef } from '../src/trace/fingerprint.ts';
import { htmlToText } from '../src/trace/html-text.ts';
import { tokenize } from '../src/trace/normalise.ts';
import { findReceipts } from '../src/trace/receipts.ts';
import { traceReport } from '../src/trace/report.ts';
import { traceText } from '../src/trace/trace.ts';
import type { ReceiptRecord, Recipient, StoryVersion, TraceLookup } from '../src/trace/types.ts';
import seedScrape from './fixtures/seed/000_363825acce16b393.txt?raw';
import { BINDINGS, bearer, gateway, LATE, SLUG } from './support/gateway.ts';

const SEED: StoryVersion = { slug: SLUG, version: 1, headline: seedStoryFile.headline, body: seedStoryFile.body, excerptParagraphs: 2 };

const UNRELATED: StoryVersion = {
  slug: 'monsoon-rains-lift-rice-harvest',
  version: 1,
  headline: 'Monsoon rains lift rice harvest across southern India',
  excerptParagraphs: 2,
  body: [
    'Chennai – Heavy monsoon rains in the last fortnight have lifted rice planting across southern India, farm officials said on Monday, easing fears of a second poor harvest.',
    'Sowing of the summer crop rose nine percent from a year earlier, according to figures released by the agriculture ministry, with Tamil Nadu and Andhra Pradesh leading the recovery.',
    'Traders said export prices for broken rice fell for a third week as mills expected larger supplies from October, while reservoir levels in the south climbed above their ten-year average.',
    'The weather office forecast further showers for the coming week but warned of localised flooding in coastal districts.',
  ],
};

/** Unrelated news, never indexed: it must come back `none`. */
const UNRELATED_NEWS = `Geneva – Central bankers meeting in Basel on Sunday warned that inflation in services remained
stubborn across most advanced economies, and that interest rates would need to stay high for longer than markets
expected. Officials from twelve countries said wage growth had slowed but not enough, and that housing costs were
still rising in several capitals. The report also noted a sharp rise in corporate borrowing in emerging markets.`;

/** The seed story with three names changed and one sentence reworded. */
const ALTERED_BODY = SEED.body.map((p) =>
  p
    .replace('Benny Gantz’s trip', 'Binyamin Gantz’s trip')
    .replace('Abdellatif Lodi', 'Abdellatif Loudiyi')
    .replace('tomb of Mehmed V', 'tomb of Mohammed V')
    .replace(
      'Since then, the Biden administration has cautiously backed away from this recognition.',
      'The Biden White House has since quietly distanced itself from that decision.',
    ),
);

/** An in-memory store: fingerprint rows, versions, a small ledger. */
function memoryLookup(stories: readonly StoryVersion[], ledger: readonly ReceiptRecord[] = []): TraceLookup {
  const index = new Map<number, VersionRef[]>();
  for (const s of stories) for (const h of fingerprints(s.body)) index.set(h, [...(index.get(h) ?? []), { slug: s.slug, version: s.version }]);
  return {
    candidates: async (hashes, limit) => candidates(hashes, (h) => index.get(h) ?? [], limit),
    version: async (slug, version) => stories.find((s) => s.slug === slug && s.version === version),
    receipts: async (ids) => ledger.filter((r) => ids.includes(r.receipt)),
    recipients: async (slug, version): Promise<Recipient[]> => {
      const rows = ledger.filter((r) => r.slug === slug && r.version === version);
      const by = new Map<string, Recipient>();
      for (const r of rows) {
        const held = by.get(r.licensee);
        by.set(
          r.licensee,
          held
            ? {
                ...held,
                first: r.deliveredAt < held.first ? r.deliveredAt : held.first,
                last: r.deliveredAt > held.last ? r.deliveredAt : held.last,
                deliveries: held.deliveries + 1,
              }
            : { licensee: r.licensee, first: r.deliveredAt, last: r.deliveredAt, deliveries: 1 },
        );
      }
      return [...by.values()];
    },
  };
}

describe('normalise', () => {
  it('folds case, compatibility forms and quote variants, and keeps offsets into the input', () => {
    const text = 'Benny Gantz’s ﬁrst VISIT — “low-level” ties';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.word)).toEqual(['benny', "gantz's", 'first', 'visit', 'low', 'level', 'ties']);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(['Benny', 'Gantz’s', 'ﬁrst', 'VISIT', 'low', 'level', 'ties']);
    for (const variant of ['Gantz’s', 'Gantz‘s', 'Gantzʼs', 'Gantz´s', 'Gantz`s', "ＧＡＮＴＺ's"]) {
      expect(tokenize(variant).map((t) => t.word)).toEqual(["gantz's"]);
    }
    expect(tokenize("'quoted' ’words’ rock'n'roll 𝐁old").map((t) => t.word)).toEqual(['quoted', 'words', "rock'n'roll", 'bold']);
  });
});

describe('html-text', () => {
  it('keeps visible text only, decodes entities and breaks paragraphs at blocks', () => {
    const html = `<!doctype html><html><head><title>Tab title</title><style>p{color:red}</style>
      <script>var leak = "</p>Hidden words in a script";</script></head><body><!-- a comment -->
      <div class="post"><h1>Gantz&rsquo;s visit</h1><p>First <a href="x?a=1&amp;b=2" title='a > b'>para</a>graph &amp; more.</p>
      <noscript>Enable JavaScript</noscript><template><p>Inert</p></template><p>Second<br>line &lt;script&gt; text</p></div></body></html>`;
    expect(htmlToText(html)).toBe('Gantz’s visit\n\nFirst paragraph & more.\n\nSecond\nline <script> text');
  });

  it('is linear on hostile markup: unclosed quotes, comments and tags run to the end', () => {
    expect(htmlToText('<p>kept</p><a title="never closed>lost')).toBe('kept');
    expect(htmlToText('<p>kept</p><!-- never closed <p>lost')).toBe('kept');
    expect(htmlToText('a < b and 3<4')).toBe('a < b and 3<4');
    const big = '<a title="'.repeat(20_000);
    expect(htmlToText(big)).toBe('');
  });
});

describe('fingerprints', () => {
  it('are a deduplicated set per version, and rank the story a page copies first', () => {
    const seed = fingerprints(SEED.body);
    expect(seed.length).toBeGreaterThan(40);
    expect(new Set(seed).size).toBe(seed.length);
    const index = new Map<number, VersionRef[]>();
    for (const s of [SEED, UNRELATED]) for (const h of fingerprints(s.body)) index.set(h, [...(index.get(h) ?? []), s]);
    const page = fingerprints([seedScrape]);
    const ranked = candidates(page, (h) => index.get(h) ?? [], 5);
    expect(ranked[0]).toMatchObject({ slug: SLUG, version: 1 });
    expect(ranked[0]!.shared).toBeGreaterThan(seed.length * 0.9);
    expect(ranked.find((c) => c.slug === UNRELATED.slug)).toBeUndefined();
  });
});

describe('compare', () => {
  it('the seed as scraped (headline twice, blog chrome) is verbatim', () => {
    expect(compare(pageText(seedScrape), SEED)).toEqual({ verdict: 'verbatim', coverage: 1, alteredPassages: [] });
  });

  it('three names changed and one sentence reworded: altered, with those passages side by side', () => {
    const result = compare(pageText(ALTERED_BODY.join('\n\n')), SEED);
    expect(result.verdict).toBe('altered');
    expect(result.coverage).toBeGreaterThan(0.95);
    expect(result.coverage).toBeLessThan(1);
    expect(result.alteredPassages).toHaveLength(4);
    const [gantz, lodi, mehmed, biden] = result.alteredPassages;
    expect(gantz!.original).toMatch(/^Benny Gantz’s trip is the first official visit .* between the two countries\.$/);
    expect(gantz!.found).toMatch(/^Binyamin Gantz’s trip is the first official visit .* between the two countries\.$/);
    expect(lodi!.original).toContain('Abdellatif Lodi,');
    expect(lodi!.found).toContain('Abdellatif Loudiyi,');
    expect(mehmed).toEqual({
      original: 'Before his meeting with Loudiyi, Gantz paid his respects at the tomb of Mehmed V, the king’s ruling grandfather.',
      found: 'Before his meeting with Loudiyi, Gantz paid his respects at the tomb of Mohammed V, the king’s ruling grandfather.',
    });
    expect(biden).toEqual({
      original: 'Since then, the Biden administration has cautiously backed away from this recognition.',
      found: 'The Biden White House has since quietly distanced itself from that decision.',
    });
  });

  it('the public excerpt alone is excerpt, not a leak', () => {
    const result = compare(pageText(`${SEED.headline}\n\n${SEED.body.slice(0, 2).join('\n\n')}\n\nThis is an excerpt.`), SEED);
    expect(result.verdict).toBe('excerpt');
    expect(result.coverage).toBeGreaterThan(0.05);
  });

  it('a sentence past the excerpt is a leak, never excerpt or none', () => {
    const result = compare(pageText(`${SEED.body.slice(0, 2).join('\n\n')}\n\nAs reported: ${LATE} – more than 200,000 immigrated.`), SEED);
    expect(result.verdict).toBe('altered');
  });

  it('the last paragraph alone, word for word, is verbatim: a partial copy with nothing altered', () => {
    const result = compare(pageText(SEED.body.at(-1)!), SEED);
    expect(result).toEqual({ verdict: 'verbatim', coverage: expect.any(Number), alteredPassages: [] });
    expect(result.coverage).toBeGreaterThan(0.1);
    expect(result.coverage).toBeLessThan(0.15);
  });

  it('whole paragraphs cut (paragraphs 1, 5 and 9; three late ones apart) are verbatim: a cut is not an altered passage', () => {
    for (const kept of [
      [0, 4, 8],
      [4, 6, 10],
    ]) {
      const result = compare(pageText(kept.map((i) => SEED.body[i]!).join('\n\n')), SEED);
      expect(result).toEqual({ verdict: 'verbatim', coverage: expect.any(Number), alteredPassages: [] });
      expect(result.coverage).toBeGreaterThan(0.25);
      expect(result.coverage).toBeLessThan(0.4);
    }
  });

  it('a sentence dropped from a paragraph the copy prints, or a paragraph moved, is altered', () => {
    const dropped = [SEED.body[4]!, SEED.body[6]!.replace(' Despite this, the two countries maintained informal relations.', ''), SEED.body[10]!];
    expect(compare(pageText(dropped.join('\n\n')), SEED)).toEqual({
      verdict: 'altered',
      coverage: expect.any(Number),
      alteredPassages: [{ original: 'Despite this, the two countries maintained informal relations.', found: '' }],
    });
    const swapped = [...SEED.body];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const moved = compare(pageText(swapped.join('\n\n')), SEED);
    expect(moved.verdict).toBe('altered');
    expect(moved.alteredPassages).toHaveLength(1);
    expect(SEED.body.slice(3, 5)).toContain(moved.alteredPassages[0]!.original);
  });

  it('the last paragraph alone with one word changed is altered, with that passage', () => {
    const last = SEED.body.at(-1)!;
    const edited = last.replace('broke the old consensus', 'broke the former consensus');
    expect(edited).not.toBe(last);
    const result = compare(pageText(edited), SEED);
    expect(result.verdict).toBe('altered');
    expect(result.alteredPassages).toEqual([
      {
        original:
          'The Abraham Accords broke the old consensus among Arab states that normalization with Israel is only part of a solution to the Israeli-Palestinian conflict.',
        found:
          'The Abraham Accords broke the former consensus among Arab states that normalization with Israel is only part of a solution to the Israeli-Palestinian conflict.',
      },
    ]);
  });

  it('the public excerpt word for word, and nothing else, is excerpt', () => {
    const result = compare(pageText(SEED.body.slice(0, 2).join('\n\n')), SEED);
    expect(result).toEqual({ verdict: 'excerpt', coverage: expect.any(Number), alteredPassages: [] });
    expect(result.coverage).toBeGreaterThan(0.1);
  });

  it('a page holding the story twice, amid chrome, is still verbatim', () => {
    const copy = SEED.body.join('\n\n');
    const page = `Home | World | Login\n\n${SEED.headline}\n\n${copy}\n\nPrint version\n\n${SEED.headline}\n\n${copy}\n\nLeave a Reply`;
    expect(compare(pageText(page), SEED)).toEqual({ verdict: 'verbatim', coverage: 1, alteredPassages: [] });
  });

  it('paragraphs out of order are found in part and never called verbatim', () => {
    const result = compare(pageText([...SEED.body].reverse().join('\n\n')), SEED);
    expect(result.verdict).toBe('altered');
    expect(result.coverage).toBeLessThan(0.5);
  });

  it('degenerate pages (one word repeated, the story words sorted) are none', () => {
    for (const page of ['the '.repeat(100_000), 'Gantz '.repeat(50_000), SEED.body.join(' ').split(' ').sort().join(' ')]) {
      expect(compare(pageText(page), SEED)).toEqual({ verdict: 'none', coverage: 0, alteredPassages: [] });
    }
  });

  it('unrelated news text is none', () => {
    expect(compare(pageText(UNRELATED_NEWS), SEED).verdict).toBe('none');
    expect(compare(pageText(UNRELATED.body.join('\n\n')), SEED).verdict).toBe('none');
  });
});

describe('receipts', () => {
  it('finds receipt ids as minted, once each, and nothing inside longer tokens', async () => {
    const id = await receiptId('secret', { iss: 'wiregate-local', sub: 'demo-newsroom', jti: 'jti-1' }, SLUG, 1);
    expect(id).toMatch(/^wg-[0-9a-f]{24}$/);
    expect(findReceipts(`Receipt: ${id}. Again: ${id.toUpperCase().replace('WG-', 'wg-')}`, `x${id} ${id}0 wg-123`)).toEqual([id]);
  });
});

describe('traceText', () => {
  const jti = 'trace-test-jti-0001';
  let lookup: TraceLookup;
  let receipt: string;

  beforeAll(async () => {
    receipt = await receiptId(BINDINGS.WIREGATE_RECEIPT_SECRET!, { iss: 'wiregate-local', sub: 'demo-newsroom', jti }, SLUG, 1);
    const ledger: ReceiptRecord[] = [
      { receipt, licensee: 'demo-newsroom', credential: jti, deliveredAt: '2026-03-01T10:00:00Z', slug: SLUG, version: 1 },
      { receipt: 'wg-000000000000000000000001', licensee: 'other-news', credential: 'other-jti', deliveredAt: '2026-03-04T09:00:00Z', slug: SLUG, version: 1 },
      { receipt: 'wg-000000000000000000000002', licensee: 'other-news', credential: 'other-jti', deliveredAt: '2026-03-02T09:00:00Z', slug: SLUG, version: 1 },
    ];
    lookup = memoryLookup([SEED, UNRELATED], ledger);
  });

  it('the seed scrape: verbatim, with the recipients of that version', async () => {
    const result = await traceText(seedScrape, false, lookup);
    expect(result.verdict).toBe('verbatim');
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ slug: SLUG, version: 1, headline: SEED.headline, coverage: 1, receipts: [] });
    expect(result.matches[0]!.recipients).toEqual(
      expect.arrayContaining([
        { licensee: 'demo-newsroom', first: '2026-03-01T10:00:00Z', last: '2026-03-01T10:00:00Z', deliveries: 1 },
        { licensee: 'other-news', first: '2026-03-02T09:00:00Z', last: '2026-03-04T09:00:00Z', deliveries: 2 },
      ]),
    );
  });

  it('an HTML page wrapping a copy in markup and scripts: found verbatim', async () => {
    const paragraphs = SEED.body.map(
      (p, i) => `<p class="p${i}">${p.replace(/’/g, '&rsquo;').replace('Morocco', '<b>Morocco</b>')}</p>\n<script>ads.push(${i})</script>`,
    );
    const html = `<!doctype html><html><head><title>${SEED.headline}</title><script>window.x = "${UNRELATED.body[0]}";</script>
      <style>.p1{}</style></head><body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
      <article><h1>${SEED.headline}</h1><div class="entry">${paragraphs.join('\n<div class="ad">Advertisement</div>\n')}</div></article>
      <aside>Leave a Reply</aside></body></html>`;
    const result = await traceText(html, true, lookup);
    expect(result.verdict).toBe('verbatim');
    expect(result.matches.map((m) => m.slug)).toEqual([SLUG]);
  });

  it('a licensed copy as the gateway serves it: its receipt resolved to licensee, credential and time', async () => {
    const gw = await gateway();
    const token = await gw.token({ jti });
    for (const path of [`/articles/${SLUG}.txt`, `/articles/${SLUG}`]) {
      const res = await gw.request(path, bearer(token));
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).toContain(`Receipt: `);
      const result = await traceText(body, path === `/articles/${SLUG}`, lookup);
      expect(result.verdict).toBe('verbatim');
      expect(result.matches[0]!.receipts).toEqual([{ receipt, licensee: 'demo-newsroom', credential: jti, deliveredAt: '2026-03-01T10:00:00Z' }]);
    }
  });

  it('the altered copy, the excerpt and unrelated news give altered, excerpt and none', async () => {
    expect((await traceText(ALTERED_BODY.join('\n\n'), false, lookup)).verdict).toBe('altered');
    expect((await traceText(SEED.body.slice(0, 2).join('\n\n'), false, lookup)).verdict).toBe('excerpt');
    const none = await traceText(UNRELATED_NEWS, false, lookup);
    expect(none).toEqual({ verdict: 'none', matches: [] });
  });

  it('one sentence from past the excerpt, quoted word for word in other news, is reported as a verbatim leak', async () => {
    const late = SEED.body[6]!.split('. ')[2]!;
    const result = await traceText(`${UNRELATED_NEWS}\n\nMeanwhile: ${late}\n\nMarkets closed higher.`, false, lookup);
    expect(result.verdict).toBe('verbatim');
    expect(result.matches.map((m) => m.slug)).toEqual([SLUG]);
    expect(result.matches[0]!.coverage).toBeLessThan(0.1);
    expect(result.matches[0]!.alteredPassages).toEqual([]);
  });

  it('the verdict is the most serious match: a verbatim paragraph of one story outranks an altered copy of another', async () => {
    const rains = UNRELATED.body.map((p) => p.replace('Traders said', 'Dealers said'));
    const result = await traceText(`${rains.join('\n\n')}\n\nAlso today:\n\n${SEED.body.at(-1)}`, false, lookup);
    expect(result.matches.map((m) => [m.slug, m.verdict])).toEqual([
      [SLUG, 'verbatim'],
      [UNRELATED.slug, 'altered'],
    ]);
    expect(result.verdict).toBe('verbatim');
  });

  it('a receipt names its delivery even when the text around it is not ours', async () => {
    const result = await traceText(`${UNRELATED_NEWS}\nReceipt: ${receipt}`, false, lookup);
    expect(result.verdict).toBe('none');
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ slug: SLUG, verdict: 'none', receipts: [{ receipt, licensee: 'demo-newsroom', credential: jti }] });
  });

  it('bad input never throws: empty, binary-ish, markup only', async () => {
    for (const [text, html] of [
      ['', false],
      ['\u0000\uffff\ud800', false],
      ['<<<>>>&&&;', true],
      ['<script>', true],
    ] as const) {
      expect((await traceText(text, html, lookup)).verdict).toBe('none');
    }
  });
});

describe('report', () => {
  it('reads as a report: verdict, story, coverage, passages side by side, receipts and recipients', async () => {
    const lookup = memoryLookup(
      [SEED],
      [{ receipt: 'wg-00000000000000000000000a', licensee: 'demo-newsroom', credential: 'jti-9', deliveredAt: '2026-03-01T10:00:00Z', slug: SLUG, version: 1 }],
    );
    const report = traceReport(await traceText(`${ALTERED_BODY.join('\n\n')}\n\nReceipt: wg-00000000000000000000000a`, false, lookup));
    expect(report).toMatch(/^Trace verdict: ALTERED/);
    expect(report).toContain(`story     ${SLUG}, version 1`);
    expect(report).toMatch(/coverage {2}9\d\.\d% of the story's body words found in order/);
    expect(report).toContain('Altered passages (4), story beside page:');
    expect(report).toMatch(
      / {4}4\. story Since then, the Biden administration has cautiously backed away from this\n {13}recognition\.\n {8}page The Biden White House has since quietly distanced itself from that decision\.\n/,
    );
    expect(report).toContain('wg-00000000000000000000000a  demo-newsroom  credential jti-9  delivered 2026-03-01T10:00:00Z');
    expect(report).toMatch(/demo-newsroom +1 delivery {2}first 2026-03-01T10:00:00Z {2}last 2026-03-01T10:00:00Z/);
    expect(traceReport({ verdict: 'none', matches: [] })).toBe('Trace verdict: NONE (no story of ours found in this text)\nNo story matched.\n');
  });
});

describe('hostile input (seeded properties)', () => {
  const markup = fc
    .array(fc.constantFrom('<', '>', '</', '<!--', '-->', '"', "'", '&', ';', '&amp;', '&#x', 'script', 'p', ' ', 'Gantz', '’', '\u0000', '\ud800', 'wg-'), {
      maxLength: 60,
    })
    .map((parts) => parts.join(''));

  it('html-text and tokenize never throw, and offsets always point at the word they name', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), markup), (input) => {
        const text = htmlToText(input);
        const tokens = tokenize(text);
        expect(tokens.filter((t) => tokenize(text.slice(t.start, t.end))[0]?.word !== t.word)).toEqual([]);
        expect(text).not.toContain('\u0000'); // the paragraph-break marker never leaks into the text
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('a trace of any text or markup returns a verdict and never throws', async () => {
    const lookup = memoryLookup([SEED]);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), markup), fc.boolean(), async (input, isHtml) => {
        expect(['verbatim', 'altered', 'excerpt', 'none']).toContain((await traceText(input, isHtml, lookup)).verdict);
      }),
      { seed: 1614, numRuns: 200 },
    );
  });
});

describe('character references', () => {
  it('decodes numeric and common named references, and leaves unknown names and bad code points safe', async () => {
    const { decodeEntities } = await import('../src/trace/entities.ts');
    expect(decodeEntities('Gantz&rsquo;s &ldquo;visit&rdquo; &amp; more&nbsp;&#8212;&#x2014;')).toBe('Gantz’s “visit” & more\u00a0——');
    expect(decodeEntities('&notaname; &#0; &#xD800; &#1114112; &amp')).toBe('&notaname; \ufffd \ufffd \ufffd &amp');
  });
});
