// The trace as a rights desk reads it: what was found, how it differs, and whose copy it was.

import type { TraceMatch, TraceResult, Verdict } from './types.ts';

const MEANING: Record<Verdict, string> = {
  verbatim: 'our licensed text past the public excerpt, unchanged, whole or in part (see coverage)',
  altered: 'our text past the public excerpt, with words changed, added or left out',
  excerpt: 'only the public excerpt, which anyone may read: not a leak',
  none: 'no story of ours found in this text',
};
const WIDTH = 96;

/** Greedy word wrap, so long passages stay readable in a terminal and in an email. */
function wrap(text: string, indent: string, first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + word.length + 1 > WIDTH && line.trim()) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += (line === indent ? '' : ' ') + word;
  }
  lines.push(line.trimEnd());
  return lines;
}

function percent(share: number): string {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}

function matchReport(m: TraceMatch, n: number): string[] {
  const lines = [
    `${n}. ${m.headline}`,
    `   story     ${m.slug}, version ${m.version}`,
    `   verdict   ${m.verdict.toUpperCase()}: ${MEANING[m.verdict]}`,
    `   coverage  ${percent(m.coverage)} of the story's body words found in order`,
  ];
  if (m.alteredPassages.length) {
    lines.push('', `   Altered passages (${m.alteredPassages.length}), story beside page:`);
    m.alteredPassages.forEach((p, i) => {
      const story = `   ${String(i + 1).padStart(2)}. story`;
      const page = `${' '.repeat(story.length - 4)}page`;
      const indent = ' '.repeat(story.length + 1);
      lines.push(...wrap(p.original, indent, story), ...wrap(p.found || '(left out)', indent, page));
    });
  }
  lines.push('', m.receipts.length ? '   Receipts in the text (the copy was delivered to):' : '   Receipts in the text: none');
  for (const r of m.receipts) lines.push(`     ${r.receipt}  ${r.licensee}  credential ${r.credential}  delivered ${r.deliveredAt}`);
  lines.push('', m.recipients.length ? '   Recipients of this version (usage ledger):' : '   Recipients of this version: none in the ledger');
  const width = Math.max(0, ...m.recipients.map((r) => r.licensee.length));
  for (const r of m.recipients) {
    const count = `${r.deliveries} ${r.deliveries === 1 ? 'delivery' : 'deliveries'}`;
    lines.push(`     ${r.licensee.padEnd(width)}  ${count.padStart(15)}  first ${r.first}  last ${r.last}`);
  }
  return lines;
}

/** Plain text, one block per match, worst verdict first (the order `traceText` returns). */
export function traceReport(result: TraceResult): string {
  const lines = [`Trace verdict: ${result.verdict.toUpperCase()} (${MEANING[result.verdict]})`];
  if (result.verdict === 'verbatim' || result.verdict === 'altered') {
    lines.push('Action: this text goes past the public excerpt; the receipts and recipients below say whose copy it can be.');
  }
  const shown = result.matches.length;
  lines.push(shown ? `${shown} ${shown === 1 ? 'story' : 'stories'} matched.` : 'No story matched.');
  result.matches.forEach((m, i) => lines.push('', ...matchReport(m, i + 1)));
  return `${lines.join('\n')}\n`;
}
