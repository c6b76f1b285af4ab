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

/** A story word that repeats on the page more often than this is no anchor: it would pair by chance. */
const MAX_REPEATS = 8;

/**
 * Anchors: words occurring once in the story range and once on the page (patience diff); when
 * there are none — a page holding the story twice has none — words once in the story and at most
 * MAX_REPEATS times on the page. Either way reduced to the longest chain increasing on both sides.
 */
function anchors(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number, repeats: number): Alignment {
  const inA = new Map<string, number>();
  for (let i = a0; i < a1; i++) inA.set(a[i]!, inA.has(a[i]!) ? -1 : i);
  const inB = new Map<string, number[]>();
  for (let j = b0; j < b1; j++) {
    if ((inA.get(b[j]!) ?? -1) < 0) continue;
    const seen = inB.get(b[j]!);
    if (!seen) inB.set(b[j]!, [j]);
    else if (seen.length <= repeats) seen.push(j);
  }
  const pairs: Array<readonly [number, number]> = [];
  for (let i = a0; i < a1; i++) {
    const js = inA.get(a[i]!) === i ? inB.get(a[i]!) : undefined;
    // Descending page order within one story word, so the chain takes at most one of them.
    if (js && js.length <= repeats) for (let k = js.length - 1; k >= 0; k--) pairs.push([i, js[k]!]);
  }
  // Longest strictly increasing subsequence by page index (patience sorting), so anchors never cross.
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
    let chain = anchors(a, a0, a1, b, b0, b1, 1);
    if (!chain.length) chain = anchors(a, a0, a1, b, b0, b1, MAX_REPEATS);
    if (chain.length) {
      let i = a0;
      let j = b0;
      for (const [ai, bj] of chain) {
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
