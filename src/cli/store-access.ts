// How the CLI reaches the store: the local SQLite file (WIREGATE_DB), or a running deployment
// through the operator API (`--remote <url>` with WIREGATE_OPERATOR_TOKEN).

import { userInfo } from 'node:os';
import { Problem } from '../problem.ts';
import { bindingsFromEnv, openNodeStore, storePath } from '../node/server.ts';
import { settingsFrom, type Settings } from '../settings.ts';
import type { SqlDriver } from '../store/sql.ts';
import type { Actor } from '../store/writes.ts';

/** Exit codes: 0 done, 1 a fault (store, network), 2 refused (bad input, impossible change). */
export const EXIT_REFUSED = 2;

export const out = (text: string) => process.stdout.write(`${text}\n`);
export const err = (text: string) => process.stderr.write(`${text}\n`);

/** The audit log names who acted: the local user for a shell on the store's machine. */
export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no user name on this system; the audit still says it came from the CLI
  }
  return { operator: `cli:${name}` };
}

/** Runs `work` on the local store, closing it after; a refusal prints its detail and exits 2. */
export async function withLocalStore(verb: string, work: (db: SqlDriver, settings: Settings) => Promise<number>): Promise<number> {
  const { sqlite } = await openNodeStore(storePath());
  try {
    return await work(sqlite.driver, settingsFrom(bindingsFromEnv()));
  } catch (e) {
    if (e instanceof Problem) {
      err(`wiregate ${verb}: ${(e.options.detail ?? e.code).replace(/\.$/, '')}; nothing was changed`);
      return e.status >= 500 ? 1 : EXIT_REFUSED;
    }
    throw e;
  } finally {
    sqlite.close();
  }
}

/** One operator API call; prints the answer (or the problem's detail) and returns the exit code. */
export async function remoteCall(
  verb: string,
  base: string,
  method: string,
  path: string,
  body?: { type: string; data: string | Uint8Array },
): Promise<number> {
  const answer = await remoteFetch(verb, base, method, path, body);
  if (typeof answer === 'number') return answer;
  out(JSON.stringify(answer, null, 2));
  return 0;
}

/** One operator API call: its JSON answer, or an exit code once the refusal has been printed. */
export async function remoteFetch(
  verb: string,
  base: string,
  method: string,
  path: string,
  body?: { type: string; data: string | Uint8Array },
): Promise<unknown> {
  const token = process.env['WIREGATE_OPERATOR_TOKEN'];
  if (!token) {
    err(`wiregate ${verb}: --remote needs WIREGATE_OPERATOR_TOKEN (make one with \`wiregate token --operator\`)`);
    return EXIT_REFUSED;
  }
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body ? { 'Content-Type': body.type } : {}) },
      ...(body ? { body: body.data as BodyInit } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    err(`wiregate ${verb}: cannot reach ${new URL(base).origin}`);
    return 1;
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed ?? {};
  const problem = (parsed ?? {}) as { code?: string; detail?: string };
  err(`wiregate ${verb}: ${problem.detail ?? `HTTP ${res.status}`} (${problem.code ?? res.status})`);
  return res.status >= 500 ? 1 : EXIT_REFUSED;
}
