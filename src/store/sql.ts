// The one thing the store needs of a database: parameterised statements and atomic batches.
// Two adapters implement it: better-sqlite3 on Node (src/node/sqlite-driver.ts) and D1 on Workers.

export type SqlValue = string | number | null;

export interface Statement {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export function sql(text: string, ...params: SqlValue[]): Statement {
  return { sql: text, params };
}

export interface SqlDriver {
  all<T>(statement: Statement): Promise<T[]>;
  first<T>(statement: Statement): Promise<T | undefined>;
  /**
   * Runs every statement in one transaction: all of them apply or none does. Returns the rows each
   * statement changed, so a guarded write can tell whether it was the one that landed.
   */
  batch(statements: readonly Statement[]): Promise<number[]>;
  /**
   * Present when concurrent requests may share one transaction (Node: one process, one connection): it
   * schedules the shared commit. Not on Workers, where I/O started for one request must not complete
   * another's.
   */
  readonly groupCommit?: (commit: () => void) => void;
  /**
   * A number that changes whenever the store's generation may have changed since the last call, by
   * this connection or any other; synchronous and cheap (Node: this process's own generation moves,
   * other processes' bells and SQLite's data_version). Without it (D1), the store reads the generation
   * itself.
   */
  readonly version?: () => number;
  /**
   * Present when the driver hears of changes as they happen (Node: this process's commits that moved the
   * generation, and other processes' bells): calls `listener` after each; returns what stops it.
   */
  readonly onChange?: (listener: () => void) => () => void;
}
