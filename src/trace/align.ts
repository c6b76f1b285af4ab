// In-order word alignment (patience diff with an LCS fallback): which words of a story a page keeps.

/** Pairs (story index, page index), increasing in both: the words found in order. */
export type Alignment = Array<readonly [number, number]>;

/**
 * Gaps without a unique common word are aligned exactly by dynamic programming only up to this
 * many cells (a 500 × 500 word gap, about 1 MB); larger ones count as unmatched. Such gaps are
 * rare inside a copy, where names and numbers keep appearing once on each side.
 */
const DP_CELLS = 250_000;

/** The longest common subsequence of two small ranges, by the textbook table. */
function lcs(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number, out: Alignment): void {
  const n = a1 - a0;
  const m = b1 - b0;
  const t = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * (m + 1) + j] = a[a0 + i] === b[b0 + j] ? t[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(t[(i + 1) * (m + 1) + j]!, t[i * (m + 1) + j + 1]!);
    }
  }
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (a[a0 + i] === b[b0 + j]) out.push([a0 + i++, b0 + j++]);
    else if (t[(i + 1) * (m + 1) + j]! >= t[i * (m + 1) + j + 1]!) i++;
    else j++;
  }
}

/** Words occurring once in each range, as pairs in story order, reduced to their longest increasing run in the page. */
function uniqueAnchors(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number): Alignment {
  const inA = new Map<string, number>();
  for (let i = a0; i < a1; i++) inA.set(a[i]!, inA.has(a[i]!) ? -1 : i);
  const inB = new Map<string, number>();
  for (let j = b0; j < b1; j++) if (inA.has(b[j]!)) inB.set(b[j]!, inB.has(b[j]!) ? -1 : j);
  const pairs: Array<readonly [number, number]> = [];
  for (let i = a0; i < a1; i++) {
    const j = inB.get(a[i]!);
    if (inA.get(a[i]!) === i && j !== undefined && j >= 0) pairs.push([i, j]);
  }
  // Longest increasing subsequence by page index (patience sorting), so anchors never cross.
  const tails: number[] = [];
  const prev = new Int32Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]!]![1] < pairs[k]![1]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const chain: Alignment = [];
  for (let k = tails.length ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) chain.push(pairs[k]!);
  return chain.reverse();
}

function alignRange(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number, out: Alignment): void {
  while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) out.push([a0++, b0++]);
  const tail: Alignment = [];
  while (a0 < a1 && b0 < b1 && a[a1 - 1] === b[b1 - 1]) tail.push([--a1, --b1]);
  if (a0 < a1 && b0 < b1) {
    const anchors = uniqueAnchors(a, a0, a1, b, b0, b1);
    if (anchors.length) {
      let i = a0;
      let j = b0;
      for (const [ai, bj] of anchors) {
        alignRange(a, i, ai, b, j, bj, out);
        out.push([ai, bj]);
        i = ai + 1;
        j = bj + 1;
      }
      alignRange(a, i, a1, b, j, b1, out);
    } else if ((a1 - a0) * (b1 - b0) <= DP_CELLS) lcs(a, a0, a1, b, b0, b1, out);
  }
  for (let k = tail.length - 1; k >= 0; k--) out.push(tail[k]!);
}

/** Aligns story words `a` with page words `b[b0, b1)`. */
export function align(a: readonly string[], b: readonly string[], b0 = 0, b1 = b.length): Alignment {
  const out: Alignment = [];
  alignRange(a, 0, a.length, b, b0, b1, out);
  return out;
}
