// The usage ledger and quotas (SPEC §13): a licensed response's deliveries and the quota they use up
// are one guarded batch, written before the response leaves. SQLite (Node) and D1 (Workers; one
// primary, serialised writes) both make the counter exact across the deployment: of 100 parallel
// requests against a limit of 10, exactly 10 batches find room and write their deliveries.

import type { Licensee } from '../registry/registry.ts';
import { iso } from './snapshot.ts';
import { sql, type SqlDriver, type SqlValue, type Statement } from './sql.ts';

export interface DeliveredItem {
  readonly slug: string;
  readonly version: number;
  readonly receipt: string;
}

export type CredentialKind = 'token' | 'feed-key' | 'session';

export interface DeliveryFacts {
  readonly licensee: Licensee;
  readonly credentialKind: CredentialKind;
  readonly credential: string;
  /** html, json, txt, rss, atom or jsonfeed. */
  readonly format: string;
  readonly country: string | undefined;
}

export interface QuotaState {
  readonly name: 'minute' | 'month';
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window frees. */
  readonly reset: number;
}

export type Accounting =
  | { readonly admitted: true; readonly quotas: readonly QuotaState[] }
  | { readonly admitted: false; readonly quotas: readonly QuotaState[]; readonly retryAfter: number };
export type QuotaVerdict = Accounting;

export interface QuotaLimits {
  readonly requestsPerMinute?: number | undefined;
  readonly storiesPerMonth?: number | undefined;
}

/**
 * Quota counters kept outside the store (Workers: a Durable Object per licensee). Without one, the
 * counters are rows of the store, counted in the same transaction as the deliveries.
 */
export interface QuotaPort {
  take(licensee: string, limits: QuotaLimits, stories: number, now: number): Promise<QuotaVerdict>;
  /** Gives back what `take` counted, when the deliveries could not be written (nothing was sent). */
  refund(licensee: string, limits: QuotaLimits, stories: number, now: number): Promise<void>;
}

export function quotaWindows(now: number): { minute: string; month: string; minuteReset: number; monthReset: number } {
  const at = iso(now);
  const d = new Date(now);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return {
    minute: `minute:${at.slice(0, 16)}`,
    month: `month:${at.slice(0, 7)}`,
    minuteReset: Math.max(1, Math.ceil((Math.floor(now / 60_000) * 60_000 + 60_000 - now) / 1000)),
    monthReset: Math.max(1, Math.ceil((nextMonth - now) / 1000)),
  };
}

/** Counts one licensed response against the licensee's quota and, if it fits, records its deliveries. */
export async function account(db: SqlDriver, facts: DeliveryFacts, items: readonly DeliveredItem[], now: number, counters?: QuotaPort): Promise<Accounting> {
  const { licensee } = facts;
  const rpm = licensee.quota?.requestsPerMinute;
  const spm = licensee.quota?.storiesPerMonth;
  const at = iso(now);
  // Per story: its delivery, and its receipt unless that copy was delivered before (migrations/0007).
  // Receipts this process has seen committed are not inserted again: the row is there, and receipts
  // are never deleted, so the insert would change nothing (about 5 µs a story, `npm run bench`).
  const known = knownReceipts(db);
  const holder = `${licensee.id}\n${facts.credentialKind}\n${facts.credential}`;
  const fresh = items.filter((item) => {
    const seen = known.get(item.receipt);
    return !(seen && seen.holder === holder && seen.slug === item.slug && seen.version === item.version);
  });
  const rows = (guard: string, params: (string | number)[]) => [
    ...items.map((item) =>
      guard
        ? sql(`INSERT INTO deliveries ${DELIVERY_COLUMNS} SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? ${guard}`, ...deliveryValues(at, facts, item), ...params)
        : // Unguarded, a plain VALUES insert: SQLite skips the one-row SELECT (about 15% of the row's cost).
          sql(`INSERT INTO deliveries ${DELIVERY_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...deliveryValues(at, facts, item)),
    ),
    ...fresh.map((item) =>
      sql(
        `INSERT INTO receipts (receipt, licensee, credential_kind, credential, slug, version, first_at) SELECT ?, ?, ?, ?, ?, ?, ? ${guard || 'WHERE true'} ON CONFLICT DO NOTHING`,
        item.receipt,
        licensee.id,
        facts.credentialKind,
        facts.credential,
        item.slug,
        item.version,
        at,
        ...params,
      ),
    ),
  ];
  const committed = () => {
    if (known.size + fresh.length > KNOWN_RECEIPTS_MAX) known.clear();
    for (const { receipt, slug, version } of fresh) known.set(receipt, { holder, slug, version });
  };
  if (!rpm && !spm) {
    await groupCommit(db, rows('', []));
    committed();
    return { admitted: true, quotas: [] };
  }
  if (counters) {
    // Counted first by the licensee's counter; the deliveries follow, or the count is given back.
    const verdict = await counters.take(licensee.id, { requestsPerMinute: rpm, storiesPerMonth: spm }, items.length, now);
    if (!verdict.admitted) return verdict;
    try {
      await groupCommit(db, rows('', []));
      committed();
    } catch (err) {
      await counters.refund(licensee.id, { requestsPerMinute: rpm, storiesPerMonth: spm }, items.length, now).catch(() => undefined);
      throw err;
    }
    return verdict;
  }
  const w = quotaWindows(now);
  const grant = crypto.randomUUID();
  const n = items.length;
  // The window that admits the request carries its grant id; every other statement checks it.
  const admitWindow = rpm ? w.minute : w.month;
  const granted = `(SELECT grant_id FROM quota_usage WHERE licensee = ? AND window = ?) = ?`;
  const statements: Statement[] = [];
  for (const window of [rpm ? w.minute : null, spm ? w.month : null]) {
    if (window)
      statements.push(sql(`INSERT INTO quota_usage (licensee, window, used) VALUES (?, ?, 0) ON CONFLICT (licensee, window) DO NOTHING`, licensee.id, window));
  }
  const monthRoom = spm ? ` AND (SELECT used FROM quota_usage WHERE licensee = ? AND window = ?) + ? <= ?` : '';
  const monthParams = spm ? [licensee.id, w.month, n, spm] : [];
  const admitIndex = statements.length;
  if (rpm) {
    statements.push(
      sql(
        `UPDATE quota_usage SET used = used + 1, grant_id = ? WHERE licensee = ? AND window = ? AND used + 1 <= ?${monthRoom}`,
        grant,
        licensee.id,
        w.minute,
        rpm,
        ...monthParams,
      ),
    );
    if (spm)
      statements.push(
        sql(`UPDATE quota_usage SET used = used + ? WHERE licensee = ? AND window = ? AND ${granted}`, n, licensee.id, w.month, licensee.id, w.minute, grant),
      );
  } else {
    statements.push(
      sql(`UPDATE quota_usage SET used = used + ?, grant_id = ? WHERE licensee = ? AND window = ? AND used + ? <= ?`, n, grant, licensee.id, w.month, n, spm!),
    );
  }
  statements.push(...rows(`WHERE ${granted}`, [licensee.id, admitWindow, grant]));
  const changed = await db.batch(statements);
  const admitted = changed[admitIndex] === 1;
  if (admitted) committed();
  const used = await db.all<{ window: string; used: number }>(
    sql(`SELECT window, used FROM quota_usage WHERE licensee = ? AND window IN (?, ?)`, licensee.id, w.minute, w.month),
  );
  const usedIn = (window: string) => used.find((u) => u.window === window)?.used ?? 0;
  const quotas: QuotaState[] = [];
  if (rpm) quotas.push({ name: 'minute', limit: rpm, remaining: Math.max(0, rpm - usedIn(w.minute)), reset: w.minuteReset });
  if (spm) quotas.push({ name: 'month', limit: spm, remaining: Math.max(0, spm - usedIn(w.month)), reset: w.monthReset });
  if (admitted) return { admitted, quotas };
  // Refused: the window that is full says when to come back (the month outlasts the minute).
  const monthFull = spm !== undefined && usedIn(w.month) + n > spm;
  return { admitted: false, quotas, retryAfter: monthFull ? w.monthReset : w.minuteReset };
}

const DELIVERY_COLUMNS = '(at, licensee, credential_kind, credential, slug, version, format, receipt, country)';

function deliveryValues(at: string, facts: DeliveryFacts, item: DeliveredItem): SqlValue[] {
  return [at, facts.licensee.id, facts.credentialKind, facts.credential, item.slug, item.version, facts.format, item.receipt, facts.country ?? null];
}

/**
 * Receipt rows known to be committed, per store connection; forgotten all at once past the bound. By
 * receipt id, with the rest of the receipts table's key (migrations/0007): the holder (licensee,
 * credential kind, credential), story and version. No string is built per story (a key per story was
 * 5% of a 50-item copy's time), and the receipt ids are the memo's own strings, hashed once.
 */
const KNOWN_RECEIPTS_MAX = 100_000;
const knownByDriver = new WeakMap<SqlDriver, Map<string, { holder: string; slug: string; version: number }>>();

function knownReceipts(db: SqlDriver) {
  let known = knownByDriver.get(db);
  if (!known) knownByDriver.set(db, (known = new Map()));
  return known;
}

/** draft-ietf-httpapi-ratelimit-headers: the policies and the current state of each quota. */
export function rateLimitHeaders(quotas: readonly QuotaState[]): Record<string, string> {
  if (quotas.length === 0) return {};
  const window = (q: QuotaState) => (q.name === 'minute' ? 60 : 2_592_000);
  return {
    'RateLimit-Policy': quotas.map((q) => `"${q.name}";q=${q.limit};w=${window(q)}`).join(', '),
    RateLimit: quotas.map((q) => `"${q.name}";r=${q.remaining};t=${q.reset}`).join(', '),
  };
}

/**
 * Group commit: the deliveries of every response in flight are written in one transaction, when the
 * driver schedules it (Node: once the I/O of this event-loop turn is read); each response waits for
 * the commit that holds its rows before it is sent. One transaction for many responses instead of one each.
 */
interface Pending {
  readonly statements: readonly Statement[];
  readonly done: { resolve: () => void; reject: (err: unknown) => void };
}
const queues = new WeakMap<SqlDriver, Pending[]>();

async function groupCommit(db: SqlDriver, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  const schedule = db.groupCommit;
  if (!schedule) {
    await db.batch(statements);
    return;
  }
  return new Promise((resolve, reject) => {
    let queue = queues.get(db);
    if (!queue) {
      queues.set(db, (queue = []));
      schedule(() => void flush(db));
    }
    queue.push({ statements, done: { resolve, reject } });
  });
}

async function flush(db: SqlDriver): Promise<void> {
  const queue = queues.get(db) ?? [];
  queues.delete(db);
  try {
    await db.batch(queue.flatMap((p) => p.statements));
    for (const p of queue) p.done.resolve();
  } catch (err) {
    for (const p of queue) p.done.reject(err);
  }
}
