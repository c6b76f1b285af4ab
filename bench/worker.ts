// The Worker side of the benchmark: the bundle `wrangler deploy --dry-run` would upload, and its gzip size.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Bundle {
  readonly rawKB: number;
  /** KiB to two decimals: one decimal rounded 59.97 up to 60.0, and a met target printed as missed. */
  readonly gzipKB: number;
  readonly gzipBytes: number;
  /** Whether a sentence of the seed story is in the bundle (it should not be: the catalog lives in D1). */
  readonly holdsStoryText: boolean;
}

const SEED_SENTENCE = 'Nearly half a million Israelis claim Moroccan heritage';

export function workerBundle(outdir: string): Bundle {
  execFileSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
  });
  // Every module wrangler would upload (one worker.js today; any split chunks count too).
  const files = readdirSync(outdir).filter((f) => /\.(m?js|wasm)$/.test(f));
  let raw = 0;
  let gzip = 0;
  let holdsStoryText = false;
  for (const f of files) {
    const bytes = readFileSync(join(outdir, f));
    holdsStoryText ||= bytes.includes(SEED_SENTENCE);
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { rawKB: Math.round(raw / 102.4) / 10, gzipKB: Math.round(gzip / 10.24) / 100, gzipBytes: gzip, holdsStoryText };
}
