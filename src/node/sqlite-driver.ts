// The store's SQL on Node: a SQLite file through better-sqlite3, with the repository's migrations.
// better-sqlite3 (12; 13 needs Node 22) is synchronous, so a batch is a plain transaction and a
// read costs microseconds: the Node gateway can ask the store on every request.

import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDriver, Statement } from '../store/sql.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');

export class StoreFileError extends Error {
  override readonly name = 'StoreFileError';
}

export interface SqliteStore {
  readonly driver: SqlDriver;
  readonly db: Database.Database;
  close(): void;
}

/** Opens (creating if needed) the store at `path` (':memory:' for a private one) and migrates it. */
export function openSqlite(path: string): SqliteStore {
  let db: Database.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // WAL: readers never wait for the writer. synchronous=NORMAL in WAL mode loses nothing when the
    // process dies (a committed transaction is in the WAL file); only a power cut can lose the last ones.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
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
  const version = changeCounter(db);
  const run = db.transaction((statements: readonly Statement[]) => statements.map((s) => prepare(s).run(...s.params).changes));
  const driver: SqlDriver = {
    all: async <T>(s: Statement) => prepare(s).all(...s.params) as T[],
    first: async <T>(s: Statement) => prepare(s).get(...s.params) as T | undefined,
    batch: async (statements) => {
      try {
        return run.immediate(statements);
      } finally {
        // Any write may have moved the generation; a ledger flush that did not costs the next request
        // one generation read, and the snapshot (with its caches) stays.
        version.ownWrite();
      }
    },
    groupCommit: true,
    version: version.read,
  };
  return { driver, db, close: () => db.close() };
}

/** Writes by any connection this process opened (a test's second connection, the CLI in-process). */
let writesInProcess = 0;

/**
 * The driver's `version()`: it moves when any connection of this process writes, and
 * when SQLite's `PRAGMA data_version` says another connection committed. The pragma is read at most
 * once per task and the reading reused by what runs in the same task (the requests parsed from one
 * socket read), then forgotten at the task's microtask checkpoint. Another process's commit reaches a
 * request only through I/O (the client hears that the CLI finished, then sends), so a request's bytes
 * were read after that commit, and the reading taken in the task that parsed them sees it ("every
 * request that starts after it", SPEC §10).
 *
 * It is the public hot path's largest cost of its own: the pragma opens a read transaction, two fcntl
 * lock calls, about 15 µs of server CPU a request under load on the 2-core VM the bench ran on (77–79
 * against 62–66 µs a kept public answer, measured A/B in one run). Reading it once per loop turn
 * instead would save that, but a turn's reading can predate a commit that a request handled later in
 * the same turn follows (a timer that read it before the poll; libuv's second epoll batch when the
 * first had 1,024 events), so it is not done. A file watch (inotify) sees the WAL written before the
 * commit is visible in the WAL index and cannot tell this process's ledger writes from another's.
 */
function changeCounter(db: Database.Database): { read: () => number; ownWrite: () => void } {
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let others = 0;
  let seen = dataVersion.get() as number;
  let fresh = false;
  const forget = () => {
    fresh = false;
  };
  return {
    read: () => {
      if (!fresh) {
        const now = dataVersion.get() as number;
        if (now !== seen) {
          seen = now;
          others++;
        }
        fresh = true;
        queueMicrotask(forget);
      }
      return writesInProcess + others;
    },
    ownWrite: () => {
      writesInProcess++;
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
