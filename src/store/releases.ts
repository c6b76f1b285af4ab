// Embargoes that release themselves (SPEC §10): at the instant, the WebSub hub is told that every
// feed holding a released story changed. Node arms a timer (re-armed on every change of the store);
// Workers tell what ended since the hub was last told, from a Cron Trigger (the same marker).

import { urlsFor } from '../render/view.ts';
import { FEED_FILES } from '../routes/table.ts';
import type { Settings } from '../settings.ts';
import { iso } from './snapshot.ts';
import { sql, type SqlDriver } from './sql.ts';

/** The feeds with a story whose embargo ended in (since, until]. */
export async function releasedFeeds(db: SqlDriver, since: number, until: number): Promise<string[]> {
  const rows = await db.all<{ feed_id: string }>(
    sql(
      'SELECT DISTINCT f.feed_id FROM stories s JOIN feed_items f ON f.slug = s.slug ' +
        "WHERE s.status = 'embargoed' AND s.embargoed_until > ? AND s.embargoed_until <= ?",
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
  const urls = urlsFor(settings);
  const pings: HubPing[] = [];
  for (const id of feedIds) {
    for (const file of FEED_FILES) {
      const url = urls.feed(id, file);
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

/**
 * The `meta` row naming the instant through which the hub was told of this store's releases (by a Node
 * server or the Workers Cron Trigger), so the next start or run tells what ended since, and only that. It moves only when there was
 * something to tell: a stretch without releases needs no record. No migration: `meta` is key/value,
 * and a row that is not the generation changes nothing a request sees.
 */
export const TOLD_THROUGH_KEY = 'releases_told_through';

/**
 * The longest a release timer sleeps. setTimeout holds at most 2^31-1 ms (a longer delay fires at once,
 * every millisecond); and a writer that rings no bell (the sqlite3 shell) is seen by the next wake.
 */
export const MAX_SLEEP_MS = 60_000;
/** After the store could not be read: soon, since a release may be due. */
const RETRY_MS = 5_000;

/** How long to sleep at `now` until the release at `next` (ms; undefined: none scheduled). */
export function sleepFor(next: number | undefined, now: number): number {
  return next === undefined ? MAX_SLEEP_MS : Math.min(Math.max(0, next - now), MAX_SLEEP_MS);
}

/** The first embargo end after `after`, or undefined when no embargo is pending. */
export async function nextRelease(db: SqlDriver, after: number): Promise<number | undefined> {
  const row = await db.first<{ at: string | null }>(
    sql(`SELECT MIN(embargoed_until) AS at FROM stories WHERE status = 'embargoed' AND embargoed_until > ?`, iso(after)),
  );
  return row?.at ? Date.parse(row.at) : undefined;
}

/**
 * Tells the hub about every release since it was last told (by a Node server or the Workers Cron
 * Trigger), through `now`; returns the next release instant. A store without the marker (new, or
 * older than it) starts it at `firstSince` (Node: now; the Cron: a minute back, its own period):
 * nothing says when the hub was last told, and pinging every embargo that ever ended would be noise.
 */
export async function releaseSinceTold(db: SqlDriver, settings: Settings, now: number, firstSince = now): Promise<number | undefined> {
  const through = iso(now);
  const told = await toldThrough(db, iso(firstSince));
  if (told < through) {
    const feeds = await releasedFeeds(db, Date.parse(told), now);
    if (feeds.length > 0 && (await claim(db, told, through))) await notifyHub(settings, feeds);
  }
  return nextRelease(db, now);
}

/** The marker's instant, created as `initial` when the store has none. */
async function toldThrough(db: SqlDriver, initial: string): Promise<string> {
  const read = () => db.first<{ value: string }>(sql(`SELECT value FROM meta WHERE key = ?`, TOLD_THROUGH_KEY));
  const row = await read();
  if (row) return row.value;
  await db.batch([sql(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, TOLD_THROUGH_KEY, initial)]);
  return (await read())?.value ?? initial;
}

/**
 * Moves the marker from `told` to `through` if nobody moved it meanwhile: of two servers on one store
 * (or a start racing a running server) one tells the hub. Claimed before the pings, so a crash between
 * loses them rather than repeating them; subscribers still see the release on their next poll.
 */
async function claim(db: SqlDriver, told: string, through: string): Promise<boolean> {
  const [moved] = await db.batch([sql(`UPDATE meta SET value = ? WHERE key = ? AND value = ?`, through, TOLD_THROUGH_KEY, told)]);
  return moved === 1;
}

/**
 * Node: sleeps until the next embargo ends, then tells the hub. The driver's `onChange` re-arms it after
 * every change of the store, by this process or (bells) another: an embargo set, moved, released or
 * killed moves the timer at once, not at its next wake.
 */
export function watchReleases(db: SqlDriver, settings: Settings): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  let again = false;
  const wake = () => {
    if (stopped) return;
    // One pass at a time: a change heard during a pass asks for one more after it.
    if (running) {
      again = true;
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    running = true;
    void pass().finally(() => {
      running = false;
      if (again) {
        again = false;
        wake();
      }
    });
  };
  const pass = async () => {
    let delay: number;
    try {
      delay = sleepFor(await releaseSinceTold(db, settings, Date.now()), Date.now());
    } catch {
      delay = RETRY_MS;
    }
    if (stopped) return;
    timer = setTimeout(wake, delay);
    (timer as { unref?: () => void }).unref?.(); // a pending release alone does not keep the process alive
  };
  const unsubscribe = db.onChange?.(wake);
  wake();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    unsubscribe?.();
  };
}
