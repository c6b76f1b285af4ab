// Desk sessions in the store (SPEC §12): one row per signed-in browser, keyed by the hash of its cookie.

import { iso } from './snapshot.ts';
import { sql, type SqlDriver } from './sql.ts';

export interface SessionRecord {
  readonly licensee: string;
  readonly iss: string;
  readonly sub: string;
  readonly jti: string;
  readonly feeds: readonly string[];
  readonly iat: number;
  /** When the session ends (s): no later than the token's exp, at most 12 h after sign-in. */
  readonly exp: number;
  readonly tokenExp: number;
}

export async function insertSession(db: SqlDriver, hash: string, s: SessionRecord, now: number): Promise<void> {
  await db.batch([
    // Housekeeping on the way: ended sessions are of no use to anyone.
    sql(`DELETE FROM desk_sessions WHERE exp <= ?`, Math.floor(now / 1000)),
    sql(
      `INSERT INTO desk_sessions (hash, licensee, iss, sub, jti, feeds, iat, exp, token_exp, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      hash,
      s.licensee,
      s.iss,
      s.sub,
      s.jti,
      JSON.stringify(s.feeds),
      s.iat,
      s.exp,
      s.tokenExp,
      iso(now),
    ),
  ]);
}

export async function sessionByHash(db: SqlDriver, hash: string): Promise<SessionRecord | undefined> {
  const row = await db.first<{ licensee: string; iss: string; sub: string; jti: string; feeds: string; iat: number; exp: number; token_exp: number }>(
    sql(`SELECT licensee, iss, sub, jti, feeds, iat, exp, token_exp FROM desk_sessions WHERE hash = ?`, hash),
  );
  if (!row) return undefined;
  return {
    licensee: row.licensee,
    iss: row.iss,
    sub: row.sub,
    jti: row.jti,
    feeds: JSON.parse(row.feeds) as string[],
    iat: row.iat,
    exp: row.exp,
    tokenExp: row.token_exp,
  };
}

export async function deleteSession(db: SqlDriver, hash: string): Promise<void> {
  await db.batch([sql(`DELETE FROM desk_sessions WHERE hash = ?`, hash)]);
}
