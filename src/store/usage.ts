// Reading the ledger (SPEC §13, §14): usage reports grouped by day, story, format or credential, with
// the feed keys flagged for sharing among them (§11), and who received a story version — each one
// indexed query (a report, one more over the feed keys).

import type { CredentialKind } from './ledger.ts';
import { iso } from './snapshot.ts';
import { sql, type SqlDriver, type SqlValue } from './sql.ts';

export const GROUPS = {
  day: 'substr(at, 1, 10)',
  story: 'slug',
  format: 'format',
  credential: `credential_kind || ':' || credential`,
  licensee: 'licensee',
} as const;
export type Group = keyof typeof GROUPS;

export interface UsageQuery {
  readonly from: number;
  readonly to: number;
  readonly licensee?: string;
  readonly group: Group;
}

export interface UsageGroup {
  readonly key: string;
  readonly deliveries: number;
  /** By credential only, and only when true: the group's key is a feed key flagged for sharing. */
  readonly flagged?: true;
}

export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly licensee?: string;
  readonly deliveries: number;
  readonly groups: UsageGroup[];
  /**
   * The ids of the feed keys among the report's credentials that are flagged for sharing (SPEC §11),
   * whatever the grouping, so a report by day or story says so too. Absent when none is: the report
   * is then exactly SPEC §13's shape.
   */
  readonly flaggedKeys?: string[];
}

/** How GROUPS.credential spells a feed key's deliveries. */
const FEED_KEY: CredentialKind = 'feed-key';

export async function usageReport(db: SqlDriver, q: UsageQuery): Promise<UsageReport> {
  const where = q.licensee === undefined ? 'at >= ? AND at < ?' : 'licensee = ? AND at >= ? AND at < ?';
  const params: SqlValue[] = q.licensee === undefined ? [iso(q.from), iso(q.to)] : [q.licensee, iso(q.from), iso(q.to)];
  // By credential, the columns themselves: grouped so, the rows come in deliveries_credential's order
  // (migrations/0005) instead of being sorted by the joined string.
  const groupBy = q.group === 'credential' ? 'credential_kind, credential' : '1';
  const [groups, flaggedKeys] = await Promise.all([
    db.all<UsageGroup>(
      sql(`SELECT ${GROUPS[q.group]} AS key, COUNT(*) AS deliveries FROM deliveries WHERE ${where} GROUP BY ${groupBy} ORDER BY 1`, ...params),
    ),
    flaggedKeysOf(db, q),
  ]);
  const flagged = new Set(flaggedKeys.map((id) => `${FEED_KEY}:${id}`));
  return {
    from: iso(q.from),
    to: iso(q.to),
    ...(q.licensee !== undefined ? { licensee: q.licensee } : {}),
    deliveries: groups.reduce((n, g) => n + g.deliveries, 0),
    groups: q.group === 'credential' ? groups.map((g) => (flagged.has(g.key) ? { ...g, flagged: true } : g)) : groups,
    ...(flaggedKeys.length > 0 ? { flaggedKeys } : {}),
  };
}

/**
 * Feed keys flagged for sharing that carried deliveries in the span: the key's state now, as the key
 * list shows it (past its threshold on some day, or suspended for it), so a key flagged today marks
 * its earlier deliveries too. The report's one small second query: the keys of the licensee (of every
 * licensee without one), each flagged key probing deliveries_credential once, never a scan of the ledger.
 */
async function flaggedKeysOf(db: SqlDriver, q: UsageQuery): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql(
      `SELECT id FROM feed_keys WHERE ${q.licensee === undefined ? '' : 'licensee = ? AND '}(flagged_day IS NOT NULL OR shared IS NOT NULL)
       AND EXISTS (SELECT 1 FROM deliveries WHERE credential_kind = ? AND credential = feed_keys.id AND at >= ? AND at < ?) ORDER BY id`,
      ...(q.licensee === undefined ? [] : [q.licensee]),
      FEED_KEY,
      iso(q.from),
      iso(q.to),
    ),
  );
  return rows.map((r) => r.id);
}

/**
 * The groups as CSV: the two columns SPEC §13 names, whatever the grouping, so a sheet or script
 * reading them keeps working; the sharing flag is in the JSON report and `wiregate usage`.
 */
export function usageCsv(report: UsageReport): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return ['key,deliveries', ...report.groups.map((g) => `${cell(g.key)},${g.deliveries}`)].join('\r\n') + '\r\n';
}

export interface Recipient {
  readonly licensee: string;
  readonly first: string;
  readonly last: string;
  readonly deliveries: number;
}

/** Who received a story version, and when: the trace of SPEC §14 reads this. */
export function recipients(db: SqlDriver, slug: string, version: number): Promise<Recipient[]> {
  return db.all<Recipient>(
    sql(
      `SELECT licensee, MIN(at) AS first, MAX(at) AS last, COUNT(*) AS deliveries FROM deliveries WHERE slug = ? AND version = ? GROUP BY licensee ORDER BY first`,
      slug,
      version,
    ),
  );
}

export interface ReceiptOwner {
  readonly receipt: string;
  readonly licensee: string;
  readonly credentialKind: string;
  readonly credential: string;
  readonly slug: string;
  readonly version: number;
  readonly deliveredAt: string;
}

/** The copies that carried these receipts: licensee, credential and first delivery time. */
export async function receiptOwners(db: SqlDriver, receipts: readonly string[]): Promise<ReceiptOwner[]> {
  if (receipts.length === 0) return [];
  const list = receipts.slice(0, 100);
  return db.all<ReceiptOwner>(
    sql(
      `SELECT receipt, licensee, credential_kind AS credentialKind, credential, slug, version, first_at AS deliveredAt
       FROM receipts WHERE receipt IN (${list.map(() => '?').join(', ')})`,
      ...list,
    ),
  );
}

/** The calendar month (UTC) so far: the default span of a report. */
export function thisMonth(now: number): { from: number; to: number } {
  const d = new Date(now);
  return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to: now + 1000 };
}
