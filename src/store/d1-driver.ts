// The store's SQL on Cloudflare D1: a batch is one implicit transaction (D1 runs it atomically).

import type { SqlDriver, Statement } from './sql.ts';

/** The part of the D1 binding the store uses (declared here so the core needs no Workers types). */
export interface D1Like {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ meta: { changes?: number } }[]>;
}
interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T>(): Promise<{ results: T[] }>;
  first<T>(): Promise<T | null>;
}

export function d1Driver(db: D1Like): SqlDriver {
  const prepare = (s: Statement) => db.prepare(s.sql).bind(...s.params);
  return {
    async all<T>(s: Statement) {
      return (await prepare(s).all<T>()).results;
    },
    async first<T>(s: Statement) {
      return (await prepare(s).first<T>()) ?? undefined;
    },
    async batch(statements) {
      if (statements.length === 0) return [];
      const results = await db.batch(statements.map(prepare));
      return results.map((r) => r.meta.changes ?? 0);
    },
  };
}
