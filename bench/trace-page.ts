// The trace benchmark's input: synthetic text in the vocabulary of src/cli/synth.ts, and a 1 MB HTML
// page of unrelated text in that vocabulary (the worst case for chance matches) with one story copied
// verbatim and another with words changed, inside scripts and markup. Shared by bench/trace.ts (an
// in-memory index) and bench/targets-trace.ts (the real store).

const WORDS = (
  'minister talks agreement border trade security council vote election capital port harbour ' +
  'government official report court ruling market shares energy supply rainfall drought harvest ' +
  'delegation summit treaty accord protest police budget parliament coalition embassy exports'
).split(' ');

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A counter-based stream (a hash of seed and draw number): per-story seeds of a 32-bit LCG all lie on
 * one cycle, and 100,000 of them overlap by the birthday bound, giving near-identical stories.
 */
export function rng(seed: number): () => number {
  const key = fmix(seed ^ 0x9e3779b9);
  let n = 0;
  return () => fmix(key ^ fmix(++n + 0x632be5ab)) / 2 ** 32;
}

function sentence(random: () => number, n: number): string {
  const words = Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  return `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)}.`;
}

export function paragraph(random: () => number, p: number): string {
  return `${p === 0 ? 'Geneva – ' : ''}${sentence(random, 12)} ${sentence(random, 14)} ${sentence(random, 10)}`;
}

/** The page: `verbatim` copied whole a third of the way in, `edited` two thirds in with two words changed in its 5th paragraph. */
export function tracePage(verbatim: readonly string[], edited: readonly string[], bytes = 1_000_000): string {
  const filler = rng(424242);
  const parts: string[] = ['<!doctype html><html><head><title>Page</title><script>var a = 1;</script></head><body>'];
  let size = parts[0]!.length;
  let placed = 0;
  while (size < bytes) {
    let chunk = `<div class="post"><p>${paragraph(filler, 1)}</p><script>track(${size})</script></div>\n`;
    if (placed === 0 && size > bytes / 3) chunk = `<article>${verbatim.map((p) => `<p>${p}</p>`).join('\n')}</article>`;
    if (placed === 1 && size > (2 * bytes) / 3)
      chunk = `<article>${edited
        .map(
          (p, i) =>
            `<p>${
              i === 4
                ? p
                    .split(' ')
                    .map((w, j) => (j === 5 || j === 20 ? 'envoy' : w))
                    .join(' ')
                : p
            }</p>`,
        )
        .join('\n')}</article>`;
    if (chunk.startsWith('<article>')) placed++;
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join('');
}
