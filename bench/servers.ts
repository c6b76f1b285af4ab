// Child servers for the benchmark: spawned pinned to a core, awaited until they answer 200, their CPU time
// read from /proc (so a run can show the server, not the load generator, was the bottleneck).

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pinned } from './wrk.ts';

export interface Server {
  readonly url: string;
  readonly pid: number;
  /** From spawn to the first 200 of the ready path, in ms (includes Node's and the TypeScript loader's start). */
  readonly startMs: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly port: number;
  readonly readyPath: string;
  readonly core?: number;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

export async function spawnServer(cmd: string, args: readonly string[], o: SpawnOptions): Promise<Server> {
  const [c, a] = pinned(o.core, cmd, args);
  const t0 = performance.now();
  const child = spawn(c, a, {
    env: { ...process.env, ...o.env, PORT: String(o.port) },
    stdio: ['ignore', 'ignore', 'inherit'],
    ...(o.cwd ? { cwd: o.cwd } : {}),
  });
  const url = `http://127.0.0.1:${o.port}`;
  try {
    await firstOk(`${url}${o.readyPath}`, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { url, pid: child.pid!, startMs: performance.now() - t0, stop: () => stop(child) };
}

async function firstOk(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: the server exited (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url}: no 200 within 60 s`);
}

// SIGTERM, so a server run with --cpu-prof exits through process.exit and writes its profile.
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) a process has used so far; NaN where /proc is not there. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/**
 * The time the hypervisor ran something else while this core's guest wanted it (steal, /proc/stat),
 * in seconds; NaN where unknown. A server that lost its core this way looks slower than it is.
 */
export function stealSeconds(core: number | undefined): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(core === undefined ? 'cpu ' : `cpu${core} `));
    // cpuN user nice system idle iowait irq softirq steal …
    return line ? Number(line.trim().split(/\s+/)[8]) / 100 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
