// Reading the ledger (SPEC §13, §14): usage reports grouped by day, story, format or credential, and
// who received a story version — each one indexed query.

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

export interface UsageReport {
  readonly from: string;
  readonly to: string;
  readonly licensee?: string;
  readonly deliveries: number;
  readonly groups: { readonly key: string; readonly deliveries: number }[];
}

export async function usageReport(db: SqlDriver, q: UsageQuery): Promise<UsageReport> {
  const where = q.licensee === undefined ? 'at >= ? AND at < ?' : 'licensee = ? AND at >= ? AND at < ?';
  const params: SqlValue[] = q.licensee === undefined ? [iso(q.from), iso(q.to)] : [q.licensee, iso(q.from), iso(q.to)];
  // By credential, the columns themselves: grouped so, the rows come in deliveries_credential's order
  // (migrations/0005) instead of being sorted by the joined string.
  const groupBy = q.group === 'credential' ? 'credential_kind, credential' : '1';
  const groups = await db.all<{ key: string; deliveries: number }>(
    sql(`SELECT ${GROUPS[q.group]} AS key, COUNT(*) AS deliveries FROM deliveries WHERE ${where} GROUP BY ${groupBy} ORDER BY 1`, ...params),
  );
  return {
    from: iso(q.from),
    to: iso(q.to),
    ...(q.licensee !== undefined ? { licensee: q.licensee } : {}),
    deliveries: groups.reduce((n, g) => n + g.deliveries, 0),
    groups,
  };
}

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
