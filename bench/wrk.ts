// Runs `wrk` (the load generator, written in C, so it outruns a Node server on a core of its own) and
// parses its report.

import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface WrkLoad {
  readonly url: string;
  readonly seconds: number;
  readonly connections: number;
  /** One fixed Authorization header value, sent with every request. */
  readonly auth?: string;
  /** A file of Authorization header values, one a line, sent in turn (bench/rotate-auth.lua). */
  readonly authFile?: string;
  /** Authorization values made up per request, this prefix and a counter: each one new (bench/new-auth.lua). */
  readonly authPrefix?: string;
  /** The core wrk is pinned to (taskset), when pinning is possible. */
  readonly core?: number;
}

export interface WrkFigures {
  readonly rps: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses outside 2xx/3xx: every response of a refusal scenario, none of the others. */
  readonly non2xx: number;
  /** Connect, read, write errors and timeouts together. */
  readonly socketErrors: number;
}

const ROTATE_SCRIPT = fileURLToPath(new URL('rotate-auth.lua', import.meta.url));
const NEW_SCRIPT = fileURLToPath(new URL('new-auth.lua', import.meta.url));
let runs = 0;

/** The way to install wrk, or undefined when it is on the PATH. */
export function wrkMissing(): string | undefined {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    // `wrk --version` prints its usage and exits 1: found. Only a failed spawn means missing.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    return 'wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu), `brew install wrk` (macOS), or build it from https://github.com/wg/wrk';
  }
}

export function pinned(core: number | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return core === undefined ? [cmd, [...args]] : ['taskset', ['-c', String(core), cmd, ...args]];
}

export function runWrk(load: WrkLoad): Promise<WrkFigures> {
  // One thread: one core; 50 connections keep the server busy without queueing for seconds.
  const args = ['-t1', `-c${load.connections}`, `-d${load.seconds}s`, '--latency', '--timeout', '10s'];
  if (load.auth !== undefined) args.push('-H', `Authorization: ${load.auth}`);
  if (load.authFile !== undefined) args.push('-s', ROTATE_SCRIPT);
  if (load.authPrefix !== undefined) args.push('-s', NEW_SCRIPT);
  args.push(load.url);
  if (load.authFile !== undefined) args.push('--', load.authFile);
  if (load.authPrefix !== undefined) args.push('--', load.authPrefix, `${process.pid}.${Date.now()}.${runs++}`);
  const [cmd, argv] = pinned(load.core, 'wrk', args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`wrk failed: ${stderr || err.message}`));
      else resolve(parseWrk(stdout));
    });
  });
}

/** wrk's human report → figures. Throws when the report lacks the request rate (a wrk that failed). */
export function parseWrk(text: string): WrkFigures {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text)?.[1];
  const requests = /^\s*(\d+) requests in /m.exec(text)?.[1];
  if (rps === undefined || requests === undefined) throw new Error(`unreadable wrk report:\n${text}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    rps: Number(rps),
    requests: Number(requests),
    p50Ms: percentile(text, '50%'),
    p99Ms: percentile(text, '99%'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
  };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function percentile(text: string, which: string): number {
  const m = new RegExp(`^\\s*${which}\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.NaN;
}
