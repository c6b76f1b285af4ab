// Node-only: `wiregate serve --demo` as a child process in a scratch copy, on a free loopback port,
// with everything it prints kept so tests can search the server's output for secrets.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cleanEnv, CLI } from './scratch.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Served {
  readonly port: number;
  /** The server's process id (for signals). */
  readonly pid: number;
  /** Everything the server printed, stdout and stderr. */
  output(): string;
  /** What it printed after start-up (the start-up banner holds a demo token on purpose). */
  logSinceStart(): string;
  /** Stops the server; call it from a top-level afterAll (hooks registered inside beforeAll never run). */
  stop(): Promise<void>;
}

/** Starts the server in `dir` (`nodeArgs` go to node, before the CLI); resolves once it listens. The caller stops it. */
export async function serveIn(dir: string, env: (port: number) => Record<string, string>, nodeArgs: readonly string[] = []): Promise<Served> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--demo'], {
    cwd: dir,
    env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', ...env(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  for (let waited = 0; !/full-text feed:[^\n]*\n[^\n]+\n/.test(output); waited += 50) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output}`);
    if (waited > 20_000) {
      await stop();
      throw new Error(`serve did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const banner = output.length;
  return { port, pid: child.pid!, output: () => output, logSinceStart: () => output.slice(banner), stop };
}
