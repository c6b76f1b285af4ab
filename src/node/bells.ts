// Bells: a process that changed the store's generation tells every server on the same SQLite file, and
// waits for each to answer, before it reports the change done. A serving process listens on a Unix
// socket in `<store file>-bells/`; a writer (the CLI, or another server acting on an operator's call)
// connects to each socket there after its commit, and the listener marks its view of the store stale
// before it answers. So a request that starts after the CLI said "done" reaches a server that already
// knows, and the server need not ask SQLite on every request (sqlite-driver.ts, changeCounter).

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** A socket path must fit sockaddr_un: 108 bytes with the NUL on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 103;
/** How long a writer waits for a server's answer before it gives up on that one. */
export const RING_TIMEOUT_MS = 2_000;

export interface Listener {
  /** The socket's path (its file name starts with the pid). */
  readonly path: string;
  /** How many bells this listener has heard. */
  heard(): number;
  /** Stops listening and removes the socket file. */
  close(): void;
}

/** The directory holding the sockets of the servers on the store at `dbPath` (which must exist). */
export function bellsDir(dbPath: string): string {
  return `${realpathSync(dbPath)}-bells`;
}

/**
 * Listens for bells on the store at `dbPath`, calling `onRing` before answering each. Undefined when
 * this process cannot listen (a path too long for a socket, a directory it may not write): then it has
 * to ask SQLite on every request instead.
 */
export function listenForBells(dbPath: string, onRing: () => void): Promise<Listener | undefined> {
  let path: string;
  try {
    const dir = bellsDir(dbPath);
    // Only this user may ring or list the servers.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    path = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  } catch {
    return Promise.resolve(undefined);
  }
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return Promise.resolve(undefined);
  let heard = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // a writer that gave up and closed
    heard++;
    onRing();
    socket.end('.');
  });
  const unlink = () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(path, () => {
      server.unref(); // listening alone does not keep a process alive
      process.once('exit', unlink);
      resolve({
        path,
        heard: () => heard,
        close: () => {
          process.off('exit', unlink);
          server.close();
          unlink();
        },
      });
    });
  });
}

export interface Rung {
  /** Servers that answered: they see the change on their next request. */
  readonly heard: number;
  /** Servers that did not answer in time (stopped, or blocked): they see it on their next loop turn. */
  readonly silent: number;
}

/** Rings every server on the store at `dbPath` but `own` (this process's listener), and waits for their answers. */
export async function ringBells(dbPath: string, own?: string, timeoutMs = RING_TIMEOUT_MS): Promise<Rung> {
  let dir: string;
  let names: string[];
  try {
    dir = bellsDir(dbPath);
    names = readdirSync(dir).filter((name) => name.endsWith('.sock'));
  } catch {
    return { heard: 0, silent: 0 }; // no server has listened on this store
  }
  const outcomes = await Promise.all(
    names
      .map((name) => join(dir, name))
      .filter((path) => path !== own)
      .map((path) => ring(path, timeoutMs)),
  );
  return { heard: outcomes.filter((o) => o === 'heard').length, silent: outcomes.filter((o) => o === 'silent').length };
}

function ring(path: string, timeoutMs: number): Promise<'heard' | 'gone' | 'silent'> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (outcome: 'heard' | 'gone' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    socket.once('data', () => done('heard'));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        // Nobody listens: the server died without removing its socket.
        try {
          unlinkSync(path);
        } catch {
          // removed meanwhile
        }
        done('gone');
      } else done(err.code === 'ENOENT' ? 'gone' : 'silent');
    });
    socket.once('end', () => done('silent')); // closed without answering
  });
}
