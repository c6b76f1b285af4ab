// Embargoes that release themselves (SPEC §10): at the instant, the WebSub hub is told that every
// feed holding a released story changed. Node arms a timer; Workers run `releaseDue` from a Cron Trigger.

import type { Settings } from '../settings.ts';
import { iso } from './snapshot.ts';
import { sql, type SqlDriver } from './sql.ts';

/** The feeds with a story whose embargo ended in (since, until]. */
export async function releasedFeeds(db: SqlDriver, since: number, until: number): Promise<string[]> {
  const rows = await db.all<{ feed_id: string }>(
    sql(
      `SELECT DISTINCT f.feed_id FROM stories s JOIN feed_items f ON f.slug = s.slug
       WHERE s.status = 'embargoed' AND s.embargoed_until > ? AND s.embargoed_until <= ?`,
      iso(since),
      iso(until),
    ),
  );
  return rows.map((r) => r.feed_id);
}

/** One publish ping: the hub's HTTP status, or undefined when it could not be reached. */
export interface HubPing {
  readonly url: string;
  readonly status: number | undefined;
}

/**
 * WebSub (W3C §7): a publish ping per format of every feed; a hub that is down only delays readers.
 * Returns every ping, so an operator at the CLI learns the hub missed the change.
 */
export async function notifyHub(settings: Settings, feedIds: readonly string[]): Promise<HubPing[]> {
  const hub = settings.websubHub;
  if (!hub) return [];
  const pings: HubPing[] = [];
  for (const id of feedIds) {
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
      const url = `${settings.publicUrl}/feeds/${id}/${file}`;
      try {
        const res = await fetch(hub, {
          method: 'POST',
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }),
          signal: AbortSignal.timeout(5_000),
        });
        pings.push({ url, status: res.status });
      } catch {
        // Subscribers will see the release on their next poll.
        pings.push({ url, status: undefined });
      }
    }
  }
  return pings;
}

/** Tells the hub about every release in (since, until]; returns `until` for the next call. */
export async function releaseDue(db: SqlDriver, settings: Settings, since: number, until: number): Promise<number> {
  await notifyHub(settings, await releasedFeeds(db, since, until));
  return until;
}

/** Node: wakes at the next release instant (checking at least every minute for new embargoes). */
export function watchReleases(db: SqlDriver, settings: Settings): () => void {
  let since = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = async () => {
    if (stopped) return;
    const row = await db
      .first<{ at: string | null }>(sql(`SELECT MIN(embargoed_until) AS at FROM stories WHERE status = 'embargoed' AND embargoed_until > ?`, iso(since)))
      .catch(() => undefined);
    const next = row?.at ? Date.parse(row.at) : Infinity;
    const delay = Math.max(0, Math.min(next - Date.now(), 60_000));
    timer = setTimeout(async () => {
      const now = Date.now();
      since = await releaseDue(db, settings, since, now).catch(() => now);
      void arm();
    }, delay);
    (timer as { unref?: () => void }).unref?.();
  };
  void arm();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
