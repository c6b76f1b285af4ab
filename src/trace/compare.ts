// One page against one story version: coverage, altered passages and the verdict (SPEC §14).

import { align } from './align.ts';
import { K, kgramHashes } from './fingerprint.ts';
import { bodyText, tokenize, type Token } from './normalise.ts';
import { sentenceIndex, storyPassages, type Run } from './passages.ts';
import type { AlteredPassage, StoryVersion, Verdict } from './types.ts';

/**
 * Matched stretches shorter than this many words are chance ("of the", "in 2020") and are not
 * counted: a real copy matches in runs of a clause or more, and dropping the crumbs lets the
 * words around a reworded sentence fall into one passage instead of many.
 */
export const MIN_RUN = 3;
/**
 * Fewer words than this found in order is `none`: it is W + K − 1, the shortest shared run the
 * fingerprints are guaranteed to notice, so the verdict never depends on winnowing luck.
 */
export const MIN_FOUND = 12;
/** Words of page searched beyond the story's first and last k-gram hit, for edited ends. */
const SLACK = 20;

export interface PageText {
  readonly text: string;
  readonly tokens: readonly Token[];
  readonly words: readonly string[];
  readonly kgrams: Uint32Array;
  /** Where each k-gram hash occurs, so each candidate costs its own length, not the page's. */
  readonly at: ReadonlyMap<number, number | number[]>;
}

export interface Comparison {
  readonly verdict: Verdict;
  readonly coverage: number;
  readonly alteredPassages: readonly AlteredPassage[];
}

/** Tokenise a page once; every candidate is compared against the same words. */
export function pageText(text: string): PageText {
  const tokens = tokenize(text);
  const kgrams = kgramHashes(tokens);
  const at = new Map<number, number | number[]>();
  for (let i = 0; i < kgrams.length; i++) {
    const seen = at.get(kgrams[i]!);
    if (seen === undefined) at.set(kgrams[i]!, i);
    else if (typeof seen === 'number') at.set(kgrams[i]!, [seen, i]);
    else seen.push(i);
  }
  return { text, tokens, words: tokens.map((t) => t.word), kgrams, at };
}

/**
 * The page stretch where the story's k-grams cluster: the densest window no longer than twice
 * the story (a copy with insertions is longer), widened by SLACK. A 1 MB page is reduced to a
 * story-sized region before any diff runs, and a page holding the story twice yields one copy.
 */
function region(page: PageText, storyKgrams: Uint32Array, storyWords: number): [number, number] | undefined {
  const hits: number[] = [];
  for (const h of new Set(storyKgrams)) {
    const seen = page.at.get(h);
    if (typeof seen === 'number') hits.push(seen);
    else if (seen) hits.push(...seen);
  }
  if (!hits.length) return undefined;
  hits.sort((a, b) => a - b);
  const span = 2 * storyWords + 50;
  let best = [0, 0];
  for (let l = 0, r = 0; r < hits.length; r++) {
    while (hits[r]! - hits[l]! > span) l++;
    if (r - l > best[1]! - best[0]!) best = [l, r];
  }
  return [Math.max(0, hits[best[0]!]! - SLACK), Math.min(page.words.length, hits[best[1]!]! + K + SLACK)];
}

/** The alignment as runs consecutive on both sides, crumbs dropped. */
function runs(pairs: ReadonlyArray<readonly [number, number]>): Run[] {
  const out: Run[] = [];
  let run: Run | undefined;
  for (const [s, p] of pairs) {
    if (run && s === run.s1 && p === run.p1) {
      run.s1++;
      run.p1++;
      continue;
    }
    if (run && run.s1 - run.s0 >= MIN_RUN) out.push(run);
    run = { s0: s, s1: s + 1, p0: p, p1: p + 1 };
  }
  if (run && run.s1 - run.s0 >= MIN_RUN) out.push(run);
  return out;
}

/** Whether a page k-gram position list has a position in [lo, hi). */
function within(seen: number | number[] | undefined, lo: number, hi: number): boolean {
  if (typeof seen === 'number') return seen >= lo && seen < hi;
  return seen?.some((at) => at >= lo && at < hi) ?? false;
}

/**
 * Verdicts: `none` when fewer than MIN_FOUND words are found in order; `excerpt` when none of
 * them lies past the public excerpt paragraphs (the public excerpt, altered or not, is no leak);
 * otherwise `altered` when there is at least one altered passage, and `verbatim` when there is
 * none. A partial copy — the last paragraph alone, one quoted sentence, or paragraphs 1, 5 and 9
 * with the rest cut — is `verbatim`: what it prints is our text unchanged, and coverage says how
 * much of the story that is. The verdict is `altered` exactly when `alteredPassages` is not empty,
 * wherever the passages are, so the two never contradict each other; storyPassages says what is
 * an altered passage (a cut of whole paragraphs is not). A leak past the excerpt is never
 * reported as `excerpt` or `none`.
 */
export function compare(page: PageText, story: StoryVersion): Comparison {
  const text = bodyText(story.body);
  const tokens = tokenize(text);
  const none: Comparison = { verdict: 'none', coverage: 0, alteredPassages: [] };
  if (!tokens.length) return none;
  const storyKgrams = kgramHashes(tokens);
  const bounds = region(page, storyKgrams, tokens.length);
  if (!bounds) return none;
  const [lo, hi] = bounds;
  const kept = runs(
    align(
      tokens.map((t) => t.word),
      page.words,
      lo,
      hi,
    ),
  );
  const found = kept.reduce((sum, r) => sum + r.s1 - r.s0, 0);
  const coverage = found / tokens.length;
  if (found < MIN_FOUND) return none;
  const index = sentenceIndex(text, tokens, story.body);
  const pastExcerpt = kept.reduce((sum, r) => sum + Math.max(0, r.s1 - Math.max(r.s0, index.excerptWords(story.excerptParagraphs))), 0);
  if (pastExcerpt === 0) return { verdict: 'excerpt', coverage, alteredPassages: [] };
  // A story paragraph left out of the in-order copy was moved, not cut, when most of its k-grams
  // occur in the copy's region anyway. A map lookup per word of the paragraph, and a look at the
  // k-gram's page positions, which region() has already visited once: linear, as before.
  const printedElsewhere = (s0: number, s1: number) => {
    let seen = 0;
    for (let i = s0; i + K <= s1; i++) if (within(page.at.get(storyKgrams[i]!), lo, hi)) seen++;
    return seen > 0 && 2 * seen >= s1 - s0 - K + 1;
  };
  const alteredPassages = storyPassages(text, tokens, page, kept, index, printedElsewhere);
  return { verdict: alteredPassages.length ? 'altered' : 'verbatim', coverage, alteredPassages };
}
