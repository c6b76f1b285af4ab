// The receipt memo keeps finding receipts when licensees poll in turn and their receipts are more than it
// holds: an oldest-first memo found none of them then (1,000 tokens × 50 items against 50,000 entries).

import { describe, expect, it } from 'vitest';
import { ReceiptMemo, receiptedStories, receiptId } from '../src/access/receipt.ts';

const id = (text: string) => Promise.resolve(`wg-${text}`);

/** Asks for keys 0..n-1 in turn, `rounds` times, adding each one not found; returns the share found in the last round. */
function poll(memo: ReceiptMemo, n: number, rounds: number): number {
  let found = 0;
  for (let round = 0; round < rounds; round++) {
    found = 0;
    for (let k = 0; k < n; k++) {
      const text = `receipt ${k}`;
      if (memo.get(text)) found++;
      else memo.set(text, id(text));
      expect(memo.size).toBeLessThanOrEqual(memo.maxWeight);
    }
  }
  return found / n;
}

describe('receipt memo', () => {
  it('finds every receipt of a round that fits', () => {
    expect(poll(new ReceiptMemo(1_000), 1_000, 3)).toBe(1);
  });

  it('finds nearly all receipts of a round one more than it holds, and some of a round twice its size', () => {
    expect(poll(new ReceiptMemo(1_000), 1_001, 5)).toBeGreaterThan(0.9);
    // Random eviction finds about a fifth here; oldest-first found none.
    expect(poll(new ReceiptMemo(1_000), 2_000, 10)).toBeGreaterThan(0.1);
  });

  it('a failed signature forgets its own entry, not a newer one for the same text', () => {
    const memo = new ReceiptMemo(2);
    const failed = id('old');
    memo.set('a', failed);
    const newer = id('new');
    memo.set('a', newer);
    memo.delete('a', failed);
    expect(memo.get('a')).toBe(newer);
    memo.delete('a', newer);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it('keeps its key list and map in step through evictions and deletions', () => {
    const memo = new ReceiptMemo(10);
    for (let k = 0; k < 200; k++) {
      memo.set(`t${k}`, id(`t${k}`));
      if (k % 7 === 0) memo.delete(`t${k - 3}`);
    }
    let present = 0;
    for (let k = 0; k < 200; k++) if (memo.get(`t${k}`)) present++;
    expect(present).toBe(memo.size);
    expect(memo.size).toBeLessThanOrEqual(10);
  });
});

describe('a memo of weighed entries (receipt lists weigh their stories)', () => {
  it('holds no more than its weight, keeps nothing heavier than itself, and gives weight back on eviction and deletion', () => {
    const memo = new ReceiptMemo(100);
    for (let k = 0; k < 50; k++) {
      memo.set(`list ${k}`, id(`list ${k}`), 30);
      expect(memo.size).toBeLessThanOrEqual(100);
    }
    let present = 0;
    for (let k = 0; k < 50; k++) if (memo.get(`list ${k}`)) present++;
    expect(present).toBe(3);
    expect(memo.size).toBe(90);
    expect(memo.get('list 49')).toBeDefined(); // the newest is always kept
    memo.set('huge', id('huge'), 101);
    expect(memo.get('huge')).toBeUndefined();
    expect(memo.size).toBe(90);
    memo.delete('list 49');
    expect(memo.size).toBe(60);
    memo.set('small', id('small'));
    expect(memo.size).toBe(61);
  });
});

describe("a list of stories with a holder's receipts", () => {
  const stories = Object.freeze([
    { slug: 'first-story', version: 1 },
    { slug: 'second-story', version: 3 },
    { slug: 'first-story', version: 2 },
  ]);
  const holder = { iss: 'wiregate-local', sub: 'demo-newsroom', jti: 'jti-list-1' };

  it("are each story's own receipt, in the list's order", async () => {
    const receipted = await receiptedStories('list-secret', holder, stories);
    expect(receipted).toEqual(await Promise.all(stories.map(async (s) => ({ ...s, receipt: await receiptId('list-secret', holder, s.slug, s.version) }))));
    expect(new Set(receipted.map((r) => r.receipt)).size).toBe(3);
  });

  it("are found again for the same list and holder, and are another holder's or secret's own", async () => {
    const first = receiptedStories('list-secret', holder, stories);
    expect(receiptedStories('list-secret', { ...holder }, stories)).toBe(first);
    const other = await receiptedStories('list-secret', { ...holder, jti: 'jti-list-2' }, stories);
    const otherSecret = await receiptedStories('another-secret', holder, stories);
    for (const receipted of [other, otherSecret])
      for (const [i, { slug, version, receipt }] of receipted.entries()) {
        expect({ slug, version }).toEqual(stories[i]);
        expect(receipt).not.toBe((await first)[i]!.receipt);
      }
    // The same stories in another list (a new template after a store change) are the same receipts.
    expect(
      await receiptedStories(
        'list-secret',
        holder,
        stories.map((s) => ({ ...s })),
      ),
    ).toEqual(await first);
  });

  it("keep no value that could run into the next (a holder's fields are a JSON array)", async () => {
    const a = await receiptedStories('list-secret', { iss: 'a', sub: 'b\nc', jti: 'd' }, stories);
    const b = await receiptedStories('list-secret', { iss: 'a', sub: 'b', jti: 'c\nd' }, stories);
    expect(a).not.toEqual(b);
  });
});
