// A licensed feed copy is its template with the token's receipts written in: byte for byte what
// rendering it with those receipts would give, and a validator that changes whenever they do.

import { describe, expect, it } from 'vitest';
import { APART_FROM, fillTemplate, filledEtag, receiptPlaceholder, receiptTemplate } from '../src/http/receipt-template.ts';

const stories = [
  { slug: 'one', version: 1 },
  { slug: 'two', version: 3 },
];

/** The stories, each with its receipt from `receipts`, as the feed route passes them. */
const receipted = (receipts: readonly string[]) => receipts.map((receipt, i) => ({ ...stories[i % stories.length]!, receipt }));

async function template() {
  const body = `<rss>é ${receiptPlaceholder(0)} – ${receiptPlaceholder(1)} and ${receiptPlaceholder(0)} again ]]> &amp;</rss>`;
  return { body, t: await receiptTemplate(body, 'application/rss+xml', '2026-01-01T00:00:00Z', stories) };
}

describe('receipt templates', () => {
  it('fill to exactly the bytes of the body rendered with the receipts', async () => {
    const { body, t } = await template();
    const receipts = ['wg-0123456789abcdef01234567', 'wg-fedcba9876543210fedcba98'];
    const expected = body.replaceAll(receiptPlaceholder(0), receipts[0]!).replaceAll(receiptPlaceholder(1), receipts[1]!);
    expect(new TextDecoder().decode(fillTemplate(t, receipted(receipts)).bytes)).toBe(expected);
  });

  it('give each list of receipts its own validator, the same one every time', async () => {
    const { t } = await template();
    const a = receipted(['wg-0123456789abcdef01234567', 'wg-fedcba9876543210fedcba98']);
    const b = receipted(['wg-0123456789abcdef01234567', 'wg-fedcba9876543210fedcba99']);
    expect(fillTemplate(t, a).etag).toBe(fillTemplate(t, [...a]).etag);
    expect(fillTemplate(t, a).etag).not.toBe(fillTemplate(t, b).etag);
    expect(fillTemplate(t, a).etag).not.toBe(t.etag);
    // Lists that join to the same text are still told apart.
    expect(filledEtag(t.etag, receipted(['ab', 'c']))).not.toBe(filledEtag(t.etag, receipted(['a', 'bc'])));
    expect(fillTemplate(t, a).etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('refuse a receipt that is not ASCII rather than join it wrongly (Node sends the parts apart, as UTF-8)', async () => {
    const { t } = await template();
    expect(() => fillTemplate(t, receipted(['wg-é', 'wg-1'])).bytes).toThrow();
  });

  it('keep a large copy in parts, joined on first use only, once; a small one whole', async () => {
    const { t } = await template();
    expect(fillTemplate(t, receipted(['wg-1', 'wg-2'])).parts).toBeUndefined();
    const wide = `<rss>${'x'.repeat(APART_FROM)} ${receiptPlaceholder(0)} – ${receiptPlaceholder(1)} and ${receiptPlaceholder(0)} again</rss>`;
    const big = fillTemplate(await receiptTemplate(wide, 'application/rss+xml', '2026-01-01T00:00:00Z', stories), receipted(['wg-1', 'wg-2']));
    expect(big.parts?.filter((p) => typeof p === 'string')).toEqual(['wg-1', 'wg-2', 'wg-1']); // slot 0 twice
    expect(big.bytes).toBe(big.bytes);
    expect(new TextDecoder().decode(big.bytes)).toBe(wide.replaceAll(receiptPlaceholder(0), 'wg-1').replaceAll(receiptPlaceholder(1), 'wg-2'));
  });
});
