// A trace end to end: text (or HTML) in, verdict and matches out, against any store's lookup.

import { compare, pageText } from './compare.ts';
import { winnowedSet } from './fingerprint.ts';
import { htmlToText } from './html-text.ts';
import { findReceipts } from './receipts.ts';
import type { TraceLookup, TraceMatch, TraceResult, Verdict } from './types.ts';

/** Story versions compared in full per trace (about a millisecond each): a page rarely reprints more. */
export const CANDIDATES = 20;
/** Severity, for the overall verdict: the worst match decides. */
const RANK: Record<Verdict, number> = { verbatim: 3, altered: 2, excerpt: 1, none: 0 };

/**
 * Candidates come from the fingerprints; every receipt in the page adds the version it was
 * issued for, so a licensed copy is named even when its text was rewritten past recognition.
 * Only the best-matching version of each story is reported (a correction's earlier version
 * would otherwise appear as an altered copy of the same text).
 */
export async function traceText(input: string, isHtml: boolean, lookup: TraceLookup): Promise<TraceResult> {
  const text = isHtml ? htmlToText(input) : input;
  const page = pageText(text);
  const ids = findReceipts(input, text);
  const [ranked, receipts] = await Promise.all([
    lookup.candidates(winnowedSet(page.kgrams), CANDIDATES),
    ids.length ? lookup.receipts(ids) : Promise.resolve([]),
  ]);
  const refs = new Map<string, { slug: string; version: number }>();
  // Even one shared fingerprint earns a comparison: one is all a 12-word quote is guaranteed (W + K − 1).
  for (const c of ranked) if (c.shared > 0) refs.set(`${c.slug}@${c.version}`, c);
  for (const r of receipts) refs.set(`${r.slug}@${r.version}`, r);

  const best = new Map<string, TraceMatch>();
  // Fetched together: on D1 each is a round trip.
  const stories = await Promise.all([...refs.values()].map((ref) => lookup.version(ref.slug, ref.version)));
  for (const story of stories) {
    if (!story) continue;
    const result = compare(page, story);
    const carried = receipts.filter((r) => r.slug === story.slug && r.version === story.version);
    if (result.verdict === 'none' && !carried.length) continue;
    const match: TraceMatch = {
      slug: story.slug,
      version: story.version,
      headline: story.headline,
      ...result,
      receipts: carried.map(({ receipt, licensee, credential, deliveredAt }) => ({ receipt, licensee, credential, deliveredAt })),
      recipients: [],
    };
    const held = best.get(story.slug);
    if (!held || better(match, held)) best.set(story.slug, match);
  }
  const matches = await Promise.all([...best.values()].map(async (m) => ({ ...m, recipients: await lookup.recipients(m.slug, m.version) })));
  matches.sort((a, b) => RANK[b.verdict] - RANK[a.verdict] || b.coverage - a.coverage || (a.slug < b.slug ? -1 : 1));
  return { verdict: matches[0]?.verdict ?? 'none', matches };
}

function better(a: TraceMatch, b: TraceMatch): boolean {
  if (a.receipts.length !== b.receipts.length) return a.receipts.length > b.receipts.length;
  if (a.coverage !== b.coverage) return a.coverage > b.coverage;
  return RANK[a.verdict] > RANK[b.verdict];
}
