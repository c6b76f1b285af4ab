// The receipt memo keeps finding receipts when licensees poll in turn and their receipts are more than it
// holds: an oldest-first memo found none of them then (1,000 tokens × 50 items against 50,000 entries).

import { describe, expect, it } from 'vitest';
import { ReceiptMemo } from '../src/access/receipt.ts';

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
      expect(memo.size).toBeLessThanOrEqual(memo.maxEntries);
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
