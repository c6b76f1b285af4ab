// Issue 15's report target: 1,000,000 synthetic deliveries in a fresh SQLite store (the real schema and
// indexes), then src/store/usage.ts as GET /admin/usage and the trace use it: a month's report for each
// group (all licensees, then one), and the recipients of one story version. Prints one JSON line.
//
//   node --import tsx bench/target-usage.ts <store.db> [deliveries]

import { openSqlite } from '../src/node/sqlite-driver.ts';
import { iso } from '../src/store/snapshot.ts';
import { GROUPS, recipients, usageReport, type Group } from '../src/store/usage.ts';
import { median } from './report.ts';
import { rng } from './trace-page.ts';

const [path, countArg = '1000000'] = process.argv.slice(2);
if (!path) throw new Error('usage: target-usage.ts <store.db> [deliveries]');
const COUNT = Number(countArg);
const LICENSEES = 20;
const CREDENTIALS = 10; // per licensee
const STORIES = 10_000;
const FORMATS = ['html', 'json', 'ninjs', 'rss', 'atom'];
const from = Date.parse('2026-03-01T00:00:00Z');
const to = Date.parse('2026-04-01T00:00:00Z');
const slugOf = (i: number) => `synthetic-story-${String(i).padStart(6, '0')}`;

const sqlite = openSqlite(path);
const { db } = sqlite;
// A larger page cache for the fill only (random receipts make the receipt index's inserts random).
db.pragma('cache_size = -262144');

// Every row inside the reported month (the report's worst case: it counts all of them), in time order
// as the gateway appends them; 500 rows a statement, all in one transaction.
const random = rng(15);
const PER = 500;
const insert = db.prepare(
  `INSERT INTO deliveries (at, licensee, credential_kind, credential, slug, version, format, receipt, country) VALUES ${Array(PER).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
);
let t0 = performance.now();
db.transaction(() => {
  for (let start = 0; start < COUNT; start += PER) {
    const params: (string | number)[] = [];
    for (let i = start; i < start + PER; i++) {
      const licensee = Math.floor(random() * LICENSEES);
      params.push(
        iso(from + Math.floor(((to - from) * i) / COUNT)),
        `licensee-${licensee}`,
        'token',
        `jti-${licensee}-${Math.floor(random() * CREDENTIALS)}`,
        slugOf(Math.floor(random() * STORIES)),
        1,
        FORMATS[Math.floor(random() * FORMATS.length)]!,
        `r${Math.floor(random() * 2 ** 32).toString(36)}${i.toString(36)}`,
        'CH',
      );
    }
    insert.run(...params);
  }
})();
const insertMs = Math.round(performance.now() - t0);
db.pragma('wal_checkpoint(TRUNCATE)');
db.exec('ANALYZE');
db.pragma('cache_size = -2000'); // back to SQLite's default for the reports, as the gateway runs

const time = async (run: () => Promise<unknown>): Promise<number> => {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    t0 = performance.now();
    await run();
    runs.push(performance.now() - t0);
  }
  return Math.round(median(runs) * 10) / 10;
};
const reports: Record<string, number> = {};
const plans: Record<string, string[]> = {};
for (const group of Object.keys(GROUPS) as Group[]) {
  reports[`all by ${group}`] = await time(() => usageReport(sqlite.driver, { from, to, group }));
  reports[`one licensee by ${group}`] = await time(() => usageReport(sqlite.driver, { from, to, group, licensee: 'licensee-7' }));
}
const check = await usageReport(sqlite.driver, { from, to, group: 'format' });
reports['recipients(slug, version)'] = await time(() => recipients(sqlite.driver, slugOf(4242), 1));
const plan = (q: string, ...p: (string | number)[]) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...p) as { detail: string }[]).map((r) => r.detail);
plans['all'] = plan(`SELECT slug AS key, COUNT(*) FROM deliveries WHERE at >= ? AND at < ? GROUP BY 1 ORDER BY 1`, 'a', 'b');
plans['one licensee'] = plan(`SELECT slug AS key, COUNT(*) FROM deliveries WHERE licensee = ? AND at >= ? AND at < ? GROUP BY 1 ORDER BY 1`, 'l', 'a', 'b');
sqlite.close();
console.log(JSON.stringify({ deliveries: COUNT, counted: check.deliveries, insertMs, reportsMs: reports, plans }));
