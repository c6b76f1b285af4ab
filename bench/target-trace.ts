// Issue 16's target through the real store: trace a 1 MB HTML page against the catalog in the store at
// argv[2] (filled by bench/fill-store.ts), with src/store/trace-lookup.ts and src/trace/trace.ts as
// POST /admin/trace uses them. Prints one JSON line: the timings, the matches, the candidates query's plan.
//
//   node --import tsx bench/target-trace.ts <store.db> [runs]

import { openSqlite } from '../src/node/sqlite-driver.ts';
import type { Story } from '../src/catalog/types.ts';
import { storeTraceLookup } from '../src/store/trace-lookup.ts';
import { winnowedSet } from '../src/trace/fingerprint.ts';
import { pageText } from '../src/trace/compare.ts';
import { htmlToText } from '../src/trace/html-text.ts';
import { CANDIDATES, traceText } from '../src/trace/trace.ts';
import { median } from './report.ts';
import { tracePage } from './trace-page.ts';

const [path, runsArg = '5'] = process.argv.slice(2);
if (!path) throw new Error('usage: target-trace.ts <store.db> [runs]');
const sqlite = openSqlite(path);
const { db } = sqlite;
const stories = db.prepare('SELECT COUNT(*) FROM stories').pluck().get() as number;
const rows = db.prepare('SELECT MAX(rowid) FROM fingerprints').pluck().get() as number;
// Two stories a third and two thirds of the way into the catalog, as the in-memory bench picks them.
const bodyOf = (n: number): { slug: string; body: readonly string[] } => {
  const row = db.prepare('SELECT slug, record FROM story_versions ORDER BY slug LIMIT 1 OFFSET ?').get(n) as { slug: string; record: string };
  return { slug: row.slug, body: (JSON.parse(row.record) as Story).body };
};
const verbatim = bodyOf(Math.floor(stories / 3));
const edited = bodyOf(Math.floor((2 * stories) / 3));
const page = tracePage(verbatim.body, edited.body);

const lookup = storeTraceLookup(sqlite.driver, 60);
const hashes = winnowedSet(pageText(htmlToText(page)).kgrams);
const time = async (run: () => Promise<unknown>, n: number): Promise<{ first: number; median: number; runs: number[] }> => {
  const runs: number[] = [];
  for (let r = 0; r < n; r++) {
    const t0 = performance.now();
    await run();
    runs.push(Math.round((performance.now() - t0) * 10) / 10);
  }
  return { first: runs[0]!, median: Math.round(median(runs.slice(1)) * 10) / 10, runs };
};
const runs = Math.max(2, Number(runsArg));
// The first run reads the index from disk (or the OS cache); the rest from SQLite's and the OS's caches.
const candidates = await time(() => lookup.candidates(hashes, CANDIDATES), runs);
const trace = await time(() => traceText(page, true, lookup), runs);
const result = await traceText(page, true, lookup);
const plan = (
  db
    .prepare(`EXPLAIN QUERY PLAN SELECT slug, version, COUNT(*) AS shared FROM fingerprints WHERE hash IN (SELECT value FROM json_each(?))
  GROUP BY slug, version ORDER BY shared DESC, version DESC, slug LIMIT ?`)
    .all('[1]', 20) as { detail: string }[]
).map((r) => r.detail);
const postings = db
  .prepare('SELECT COUNT(*) FROM fingerprints WHERE hash IN (SELECT value FROM json_each(?))')
  .pluck()
  .get(JSON.stringify([...hashes])) as number;
sqlite.close();
console.log(
  JSON.stringify({
    stories,
    fingerprintRows: rows,
    pageBytes: page.length,
    pageFingerprints: hashes.length,
    postings,
    candidatesMs: candidates,
    traceMs: trace,
    plan,
    expected: { verbatim: verbatim.slug, altered: edited.slug },
    matches: result.matches.map((m) => ({ slug: m.slug, verdict: m.verdict, coverage: Math.round(m.coverage * 1000) / 1000 })),
  }),
);
