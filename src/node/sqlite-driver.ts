// The store's SQL on Node: a SQLite file through better-sqlite3, with the repository's migrations.
// better-sqlite3 (12; 13 needs Node 22) is synchronous, so a batch is a plain transaction and a
// read costs microseconds: the Node gateway can ask the store on every request.

import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Problem } from '../problem.ts';
import type { SqlDriver, Statement } from '../store/sql.ts';
import { listenForBells, type Listener, RING_TIMEOUT_MS, ringBells } from './bells.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

export interface SqliteStore {
  readonly driver: SqlDriver;
  readonly db: Database.Database;
  /**
   * Listens for other processes' bells (bells.ts), so the driver's version asks SQLite once per
   * READING_KEPT_MS instead of once per task, and `onChange` hears their changes. For a serving process; false when
   * it cannot listen (then nothing changes, and `onChange` hears this process's changes only).
   */
  listen(): Promise<boolean>;
  /** Bells heard since listen() (0 when not listening). */
  bellsHeard(): number;
  close(): void;
}

/**
 * Opens (creating if needed) the store at `path` (':memory:' for a private one) and migrates it.
 * `keeping` gives the clock a reading's age is told by once listening (tests only).
 */
export function openSqlite(path: string, keeping: ReadingKeeping = {}): SqliteStore {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // WAL: readers never wait for the writer. synchronous=NORMAL in WAL mode loses nothing when the
    // process dies (a committed transaction is in the WAL file); only a power cut can lose the last ones.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000'); // opening and migrating wait for another process as long as they must
    db.pragma('foreign_keys = ON');
    migrate(db);
    // From here on a wait for another connection's lock is taken in turns (patiently): SQLite's own
    // wait holds the event loop, so it is kept short, and the rest is spent asleep between tries.
    db.pragma(`busy_timeout = ${BUSY_TRY_MS}`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreFileError(`cannot open the store ${path}: ${reason}`);
  }
  const prepared = new Map<string, Database.Statement>();
  const prepare = (s: Statement) => {
    let stmt = prepared.get(s.sql);
    if (!stmt) prepared.set(s.sql, (stmt = db.prepare(s.sql)));
    return stmt;
  };
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const version = changeCounter(() => dataVersion.get() as number, keeping);
  const generation = db.prepare(`SELECT value FROM meta WHERE key = 'generation'`).pluck();
  // The generation is read before and after, inside the transaction: whether this batch moved it is
  // known exactly, so only a change of what requests see rings the other servers (not a ledger flush).
  const run = db.transaction((statements: readonly Statement[]) => {
    const before = generation.get();
    const changes = statements.map((s) => prepare(s).run(...s.params).changes);
    return { changes, moved: generation.get() !== before };
  });
  let listener: Listener | undefined;
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of watchers) {
      try {
        watcher();
      } catch {
        // The commit stands whatever a watcher does: the batch must not report it failed.
      }
    }
  };
  const driver: SqlDriver = {
    all: <T>(s: Statement) => patiently(() => prepare(s).all(...s.params) as T[]),
    first: <T>(s: Statement) => patiently(() => prepare(s).get(...s.params) as T | undefined),
    batch: async (statements) => {
      // A batch that throws was rolled back: nothing changed.
      const outcome = await patiently(() => run.immediate(statements));
      // Only a moved generation changes what the store's snapshot holds: a ledger flush leaves the
      // version, so the requests after it keep the snapshot without reading the generation again.
      if (outcome.moved) {
        version.ownWrite();
        changed(); // before the bells: waiting out a silent server must not delay this process's own timers
        if (path !== ':memory:') await announce(path, listener?.path);
      }
      return outcome.changes;
    },
    // After the I/O this turn of the event loop brought: every request read by then shares the commit,
    // and none waits for a timer (setTimeout's 1 ms left the server idle: 0.45 -> 0.57 of the baseline
    // for the licensed story, `npm run bench`).
    groupCommit: (commit) => setImmediate(commit),
    version: version.read,
    onChange: (watcher) => {
      watchers.add(watcher);
      return () => {
        watchers.delete(watcher);
      };
    },
  };
  return {
    driver,
    db,
    listen: async () => {
      if (path === ':memory:') return false;
      const rung = () => {
        version.rung();
        changed();
      };
      const lost = () => {
        listener = undefined; // a later listen() listens afresh
        version.hearing(false);
      };
      listener ??= await listenForBells(path, rung, lost, keeping.socketCheckMs);
      if (listener) version.hearing(true);
      return listener !== undefined;
    },
    bellsHeard: () => listener?.heard() ?? 0,
    close: () => {
      listener?.close();
      db.close();
    },
  };
}

/**
 * SQLite's refusals that mean "not now", not "wrong": another connection held the write lock past
 * busy_timeout, or the disk is full, failing or read-only. They are 503 store_unavailable with
 * Retry-After (SPEC §10), like an unreadable store, never a 500; a licensed answer whose delivery
 * could not be recorded is never sent either way.
 */
const NOT_NOW = /^SQLITE_(?:BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/;

/**
 * How long a write waits for another connection's lock before the store counts as unavailable (503):
 * in tries of at most BUSY_TRY_MS inside SQLite (which holds the event loop), with BUSY_PAUSE_MS asleep
 * between them (which does not), so public answers and /healthz go on while a long import holds the lock.
 */
const BUSY_WAIT_MS = 5_000;
const BUSY_TRY_MS = 10;
const BUSY_PAUSE_MS = 25;

function isBusy(err: unknown): boolean {
  return err instanceof Database.SqliteError && /^SQLITE_(?:BUSY|LOCKED)/.test(err.code);
}

/** Runs `attempt` until it is not refused for another connection's lock, or BUSY_WAIT_MS have passed. */
async function patiently<T>(attempt: () => T): Promise<T> {
  for (let waited = 0; ; waited += BUSY_TRY_MS + BUSY_PAUSE_MS) {
    try {
      return attempt();
    } catch (err) {
      if (!isBusy(err) || waited >= BUSY_WAIT_MS) throw unavailable(err);
    }
    await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS));
  }
}

function unavailable(err: unknown): unknown {
  if (!(err instanceof Database.SqliteError) || !NOT_NOW.test(err.code)) return err;
  return new Problem('store_unavailable', { detail: 'The gateway cannot use its store right now.', retryAfter: 5 });
}

/** Rings the other servers on the store; servers that could not be confirmed (and were waited out) are named on stderr. */
async function announce(path: string, own: string | undefined): Promise<void> {
  const { silent, unlisted } = await ringBells(path, own);
  if (silent > 0 || unlisted) {
    const who = unlisted ? 'the servers on this store could not be listed' : `${silent} server(s) on this store did not answer the change's bell`;
    console.error(`wiregate: ${who}; waited ${RING_TIMEOUT_MS} ms, after which every server sees the change`);
  }
}

/** Generation moves by any connection this process opened (a test's second connection, the CLI in-process). */
let movesInProcess = 0;

export interface ChangeCounter {
  /** The driver's `version()`. */
  read(): number;
  /** A write by this process that moved the generation. */
  ownWrite(): void;
  /** Another process's bell: its commit must reach the next read. */
  rung(): void;
  /** Bells announce other processes' commits (true), or no longer can (false): SQLite is asked once per READING_KEPT_MS, or per task. */
  hearing(on: boolean): void;
}

/** How a reading is kept once listening (tests only): the clock (ms) its age is told by, and how often the bell's socket file is checked. */
export interface ReadingKeeping {
  readonly clock?: () => number;
  readonly socketCheckMs?: number;
}

/**
 * How long a listening process trusts a reading of `PRAGMA data_version` between bells (ms): how soon
 * it sees a commit by a writer that rings no bell (the sqlite3 shell).
 */
export const READING_KEPT_MS = 50;

/**
 * The driver's `version()`: it moves when any connection of this process moves the generation, and
 * when SQLite's `PRAGMA data_version` (`readDataVersion`) says another connection committed.
 *
 * Until the process listens for bells, the pragma is read at most once per task and the reading reused
 * by what runs in the same task (the requests parsed from one socket read), then forgotten at the task's
 * microtask checkpoint. Another process's commit reaches a request only through I/O (the client hears
 * that the CLI finished, then sends), so the request's bytes were read after that commit, and the
 * reading taken in the task that parsed them sees it ("every request that starts after it", SPEC §10).
 * The pragma opens a read transaction (two fcntl lock calls, about 7 µs): read per task it was a sixth
 * of a kept public answer's cost in the bench.
 *
 * Once the process listens, a reading is trusted for READING_KEPT_MS, and forgotten at once when a bell
 * rings. Time alone would not be exact: a reading can predate a commit that a request handled after it
 * follows. The bell closes that gap: a wiregate writer reports its change done only after every server
 * answered its bell, and a server forgets its reading before it answers, so any request sent after
 * "done" asks SQLite again. A server the writer could not confirm is waited out: "done" comes
 * RING_TIMEOUT_MS (2 s) after the commit, when every reading still in use was taken after it. Other
 * writers of the file (the sqlite3 shell) ring no bell and are seen within READING_KEPT_MS. (Read once
 * per event-loop turn instead, the pragma still cost a kept public answer 0.3 µs of its 35 in the
 * bench; once per 50 ms it costs nothing measurable.)
 */
export function changeCounter(readDataVersion: () => number, keeping: ReadingKeeping = {}): ChangeCounter {
  const clock = keeping.clock ?? (() => performance.now());
  let others = 0;
  let seen = readDataVersion();
  let fresh = false;
  let listening = false;
  let readAt = 0;
  const forget = () => {
    fresh = false;
  };
  return {
    read: () => {
      if (!fresh || (listening && clock() - readAt >= READING_KEPT_MS)) {
        const now = readDataVersion();
        if (now !== seen) {
          seen = now;
          others++;
        }
        fresh = true;
        if (listening) readAt = clock();
        else queueMicrotask(forget);
      }
      return movesInProcess + others;
    },
    ownWrite: () => {
      movesInProcess++;
    },
    rung: forget,
    hearing: (on) => {
      listening = on;
      fresh = false;
    },
  };
}

/** Applies the migrations not yet applied, in order, recording them as wrangler does (d1_migrations). */
function migrate(db: Database.Database): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)`,
  );
  const applied = new Set(db.prepare('SELECT name FROM d1_migrations').pluck().all() as string[]);
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  for (const name of files) {
    if (applied.has(name)) continue;
    const text = readFileSync(join(MIGRATIONS_DIR, name), 'utf8');
    db.transaction(() => {
      db.exec(text);
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').run(name);
    })();
  }
}
