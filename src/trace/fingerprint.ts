// Winnowed word k-gram fingerprints (Schleimer, Wilkerson, Aiken, SIGMOD 2003) and candidate ranking.

import { bodyText, tokenize, type Token } from './normalise.ts';

/**
 * Words per k-gram. Five words rarely recur by chance across unrelated news copy ("as part of
 * the" is four), yet a changed name breaks only the five k-grams that contain it.
 */
export const K = 5;
/**
 * Winnowing window. Any run of W + K − 1 = 12 words shared verbatim with a story is guaranteed
 * to share a fingerprint; on average 2 / (W + 1) of a story's k-grams are kept, about 80 per
 * 400-word story. See bench/trace.ts for the recall measured for the choices around these.
 */
export const W = 8;

/** FNV-1a over the word's UTF-16 units: cheap, and good enough to feed the k-gram mix. */
function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Murmur3's finaliser: every input bit moves every output bit, so the minimum is a fair sample. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The hash of every k-gram of `tokens`, by start position (empty when there are fewer than k words). */
export function kgramHashes(tokens: readonly Token[], k = K): Uint32Array {
  const words = tokens.map((t) => wordHash(t.word));
  const out = new Uint32Array(Math.max(0, words.length - k + 1));
  for (let i = 0; i < out.length; i++) {
    let h = 0x9747b28c;
    for (let j = 0; j < k; j++) h = Math.imul(h ^ words[i + j]!, 0x01000193) ^ (h >>> 13);
    out[i] = mix(h);
  }
  return out;
}

/**
 * Robust winnowing: the minimum of every window of w hashes (the rightmost on ties), each
 * selected position once. A text shorter than one window keeps its single minimum.
 */
export function winnow(hashes: Uint32Array, w = W): Uint32Array {
  if (hashes.length === 0) return new Uint32Array(0);
  const picked: number[] = [];
  let last = -1;
  const windows = Math.max(1, hashes.length - w + 1);
  for (let start = 0; start < windows; start++) {
    const end = Math.min(hashes.length, start + w);
    let min = start;
    for (let i = start + 1; i < end; i++) if (hashes[i]! <= hashes[min]!) min = i;
    if (min !== last) picked.push(hashes[min]!);
    last = min;
  }
  return Uint32Array.from(picked);
}

/** Sorted, deduplicated: the set form the store keeps and the lookup sends. */
function uniqueSorted(hashes: Uint32Array): Uint32Array {
  const sorted = hashes.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
  return sorted.slice(0, n);
}

/** The fingerprints of text whose k-gram hashes are already computed (a page). */
export function winnowedSet(kgrams: Uint32Array): Uint32Array {
  return uniqueSorted(winnow(kgrams));
}

/** The fingerprints of one story version's body: what the store indexes as (hash, slug, version) rows. */
export function fingerprints(body: readonly string[]): Uint32Array {
  return winnowedSet(kgramHashes(tokenize(bodyText(body))));
}

export interface VersionRef {
  readonly slug: string;
  readonly version: number;
}

export interface Candidate extends VersionRef {
  /** How many of the page's fingerprints this version shares. */
  readonly shared: number;
}

/**
 * Story versions ranked by the number of fingerprints they share with the page, for a store
 * that can list the versions holding one hash. Ties go to the later version, then the slug, so
 * the ranking never depends on the order the store returns rows in.
 */
export function candidates(pageHashes: Uint32Array, lookup: (hash: number) => Iterable<VersionRef>, limit: number): Candidate[] {
  const counts = new Map<string, { ref: VersionRef; shared: number }>();
  for (const hash of pageHashes) {
    for (const ref of lookup(hash)) {
      const key = `${ref.version}\u0000${ref.slug}`;
      const entry = counts.get(key);
      if (entry) entry.shared++;
      else counts.set(key, { ref, shared: 1 });
    }
  }
  return [...counts.values()]
    .sort((a, b) => b.shared - a.shared || b.ref.version - a.ref.version || (a.ref.slug < b.ref.slug ? -1 : a.ref.slug > b.ref.slug ? 1 : 0))
    .slice(0, limit)
    .map(({ ref, shared }) => ({ slug: ref.slug, version: ref.version, shared }));
}
