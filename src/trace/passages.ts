// Altered passages: the gaps between matched runs, widened to whole story sentences, side by side with the page.

import type { Token } from './normalise.ts';
import type { AlteredPassage } from './types.ts';

/** A stretch matched word for word: story tokens [s0, s1) are page tokens [p0, p1). */
export interface Run {
  s0: number;
  s1: number;
  p0: number;
  p1: number;
}

interface PageWords {
  readonly text: string;
  readonly tokens: readonly Token[];
}

interface Sentence {
  readonly start: number;
  readonly end: number;
}

export interface SentenceIndex {
  readonly sentences: readonly Sentence[];
  /** Per story token: its sentence and its paragraph. */
  readonly sentenceOf: Int32Array;
  readonly paragraphOf: Int32Array;
  /** How many story words the first `paragraphs` paragraphs hold. */
  excerptWords(paragraphs: number): number;
}

// A sentence ends at . ! or ? (with any closing quotes) before a space and a capital, digit or quote.
const SENTENCE_END = /[.!?]+["'”’)\]]*(?=\s+["'“‘([]?[\p{Lu}\p{N}])/gu;
const TRAILING = /^[.,;:!?…"'”’)\]]*/;
/** A passage is quoted whole up to this many characters: enough for a paragraph, not a page. */
const MAX_QUOTE = 1200;

export function sentenceIndex(text: string, tokens: readonly Token[], body: readonly string[]): SentenceIndex {
  const sentences: Sentence[] = [];
  const paragraphStarts: number[] = [];
  let at = 0;
  for (const paragraph of body) {
    paragraphStarts.push(at);
    let start = at;
    for (const m of paragraph.matchAll(SENTENCE_END)) {
      sentences.push({ start, end: at + m.index + m[0].length });
      start = at + m.index + m[0].length;
      while (/\s/.test(text[start] ?? '')) start++;
    }
    sentences.push({ start, end: at + paragraph.length });
    at += paragraph.length + 2;
  }
  const sentenceOf = new Int32Array(tokens.length);
  const paragraphOf = new Int32Array(tokens.length);
  for (let t = 0, s = 0, p = 0; t < tokens.length; t++) {
    while (s + 1 < sentences.length && sentences[s + 1]!.start <= tokens[t]!.start) s++;
    while (p + 1 < paragraphStarts.length && paragraphStarts[p + 1]! <= tokens[t]!.start) p++;
    sentenceOf[t] = s;
    paragraphOf[t] = p;
  }
  const excerptWords = (paragraphs: number) => {
    let n = 0;
    while (n < tokens.length && paragraphOf[n]! < paragraphs) n++;
    return n;
  };
  return { sentences, sentenceOf, paragraphOf, excerptWords };
}

function quote(text: string): string {
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;
}

/**
 * Each gap between two kept runs where story words are missing or the page adds words inside a
 * paragraph is an edit; words added between paragraphs (ads, captions, chrome) are not. Edits are
 * widened to the story sentences they touch, and edits sharing a sentence become one passage, so
 * the desk reads the story's sentence beside what the page printed in its place. Words missing
 * before the first or after the last run are a partial copy: coverage shows it, not a passage.
 */
export function storyPassages(text: string, tokens: readonly Token[], page: PageWords, kept: readonly Run[], index: SentenceIndex): AlteredPassage[] {
  const spans: Array<[number, number]> = [];
  for (let k = 1; k < kept.length; k++) {
    const a = kept[k - 1]!;
    const b = kept[k]!;
    const inserted = b.p0 > a.p1 && index.paragraphOf[a.s1 - 1] === index.paragraphOf[b.s0];
    if (b.s0 === a.s1 && !inserted) continue;
    const first = index.sentenceOf[b.s0 > a.s1 ? a.s1 : a.s1 - 1]!;
    const last = index.sentenceOf[b.s0 > a.s1 ? b.s0 - 1 : b.s0]!;
    const prev = spans[spans.length - 1];
    if (prev && prev[1] >= first) prev[1] = Math.max(prev[1], last);
    else spans.push([first, last]);
  }
  // Page position of each matched story token, to find where a sentence begins and ends on the page.
  const pageOf = new Int32Array(tokens.length).fill(-1);
  for (const r of kept) for (let s = r.s0; s < r.s1; s++) pageOf[s] = r.p0 + s - r.s0;
  return spans.map(([first, last]) => {
    const from = index.sentences[first]!;
    const to = index.sentences[last]!;
    let t0 = 0;
    while (t0 < tokens.length && tokens[t0]!.start < from.start) t0++;
    let t1 = t0;
    while (t1 < tokens.length && tokens[t1]!.start < to.end) t1++;
    let p0 = pageOf[t0]!;
    for (let s = t0 - 1; p0 < 0 && s >= 0; s--) if (pageOf[s]! >= 0) p0 = pageOf[s]! + 1;
    let p1 = t1 > 0 && pageOf[t1 - 1]! >= 0 ? pageOf[t1 - 1]! + 1 : -1;
    for (let s = t1; p1 < 0 && s < tokens.length; s++) if (pageOf[s]! >= 0) p1 = pageOf[s]!;
    const found = p0 >= 0 && p1 > p0 ? page.text.slice(page.tokens[p0]!.start, page.tokens[p1 - 1]!.end) : '';
    const trail = found ? (TRAILING.exec(page.text.slice(page.tokens[p1 - 1]!.end, page.tokens[p1 - 1]!.end + 4))?.[0] ?? '') : '';
    return { original: quote(text.slice(from.start, to.end)), found: quote(found + trail) };
  });
}
