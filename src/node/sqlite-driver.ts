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
  const run = db.transaction((statements: readonly Statement[]) => statements.map((s) => prepare(s).run(...s.params).changes));
  const driver: SqlDriver = {
    all: async <T>(s: Statement) => prepare(s).all(...s.params) as T[],
    first: async <T>(s: Statement) => prepare(s).get(...s.params) as T | undefined,
    batch: async (statements) => run.immediate(statements),
    groupCommit: true,
  };
  return { driver, db, close: () => db.close() };
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
