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
  /** Per paragraph: its first story token; one more entry, the token count, closes the last. */
  readonly paragraphStart: Int32Array;
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
  const paragraphStart = new Int32Array(body.length + 1).fill(tokens.length);
  for (let t = tokens.length - 1; t >= 0; t--) paragraphStart[paragraphOf[t]!] = t;
  // An empty paragraph starts where the next one does.
  for (let p = body.length - 1; p >= 0; p--) paragraphStart[p] = Math.min(paragraphStart[p]!, paragraphStart[p + 1]!);
  const excerptWords = (paragraphs: number) => paragraphStart[Math.max(0, Math.min(paragraphs, body.length))]!;
  return { sentences, sentenceOf, paragraphOf, paragraphStart, excerptWords };
}

function quote(text: string): string {
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;
}

/** Story tokens [s0, s1) whose sentences are quoted as one altered passage. */
type Edit = readonly [number, number];

/**
 * The edits in the gap between kept runs `a` and `b`: story tokens [a.s1, b.s0) left out, page
 * tokens [a.p1, b.p0) added.
 *
 * - Words added between two paragraphs, with nothing left out, are chrome (ads, captions), not
 *   an edit; added inside a paragraph, they are an insertion.
 * - Words left out with words added in their place are a replacement, however many paragraphs it
 *   spans: a rewritten paragraph shares too few words with ours to be told from chrome standing
 *   where a paragraph was cut, so the desk reads both side by side.
 * - Words only left out are an edit where they are part of a paragraph the page otherwise prints
 *   (a sentence dropped from it changes what it says). Whole paragraphs left out are a cut, not an
 *   edit: every word the page does print is ours, unchanged, and coverage says how much of the
 *   story that is — an agency's copy is routinely cut to length, and the desk needs the passages
 *   to show where words were changed, not to list what was trimmed. A whole paragraph the page
 *   prints elsewhere in the copy was moved, not cut: reordering is an edit, and it is quoted with
 *   nothing beside it (the page has none of it at this point).
 */
function gapEdits(a: Run, b: Run, index: SentenceIndex, printedElsewhere: (s0: number, s1: number) => boolean, out: Edit[]): void {
  const { paragraphOf, paragraphStart } = index;
  const added = b.p0 > a.p1;
  if (b.s0 === a.s1) {
    if (added && paragraphOf[a.s1 - 1] === paragraphOf[b.s0]) out.push([a.s1 - 1, b.s0 + 1]);
    return;
  }
  if (added) {
    out.push([a.s1, b.s0]);
    return;
  }
  const first = paragraphOf[a.s1]!;
  const last = paragraphOf[b.s0 - 1]!;
  const cutHead = a.s1 > paragraphStart[first]!; // the gap begins inside a paragraph
  const cutTail = b.s0 < paragraphStart[last + 1]!; // and ends inside one
  if (first === last && (cutHead || cutTail)) {
    out.push([a.s1, b.s0]);
    return;
  }
  if (cutHead) out.push([a.s1, paragraphStart[first + 1]!]);
  for (let p = cutHead ? first + 1 : first; p <= (cutTail ? last - 1 : last); p++) {
    const s0 = paragraphStart[p]!;
    const s1 = paragraphStart[p + 1]!;
    if (s1 > s0 && printedElsewhere(s0, s1)) out.push([s0, s1]);
  }
  if (cutTail) out.push([paragraphStart[last]!, b.s0]);
}

/**
 * The altered passages: each edit between kept runs (see `gapEdits`) widened to the story
 * sentences it touches, and edits sharing a sentence made one passage, so the desk reads the
 * story's sentence beside what the page printed in its place. Words missing before the first or
 * after the last run are where a partial copy begins and ends: coverage shows it, not a passage.
 */
export function storyPassages(
  text: string,
  tokens: readonly Token[],
  page: PageWords,
  kept: readonly Run[],
  index: SentenceIndex,
  printedElsewhere: (s0: number, s1: number) => boolean,
): AlteredPassage[] {
  const edits: Edit[] = [];
  for (let k = 1; k < kept.length; k++) gapEdits(kept[k - 1]!, kept[k]!, index, printedElsewhere, edits);
  const spans: Array<[number, number]> = [];
  for (const [s0, s1] of edits) {
    const first = index.sentenceOf[s0]!;
    const last = index.sentenceOf[s1 - 1]!;
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
