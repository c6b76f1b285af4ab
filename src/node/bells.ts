// Bells: a process that changed the store's generation tells every server on the same SQLite file, and
// waits for each to answer, before it reports the change done. A serving process listens on a Unix
// socket in `<store file>-bells/`; a writer (the CLI, or another server acting on an operator's call)
// connects to each socket there after its commit, and the listener marks its view of the store stale
// before it answers. So a request that starts after the CLI said "done" reaches a server that already
// knows, and the server need not ask SQLite on every request (sqlite-driver.ts, changeCounter).
//
// A server that cannot be confirmed (it does not answer, the directory cannot be read, the socket
// refuses while the process its file name gives is alive, or for any reason but ECONNREFUSED) is
// waited out instead: the writer reports done only RING_TIMEOUT_MS after its commit, and a server
// never uses a reading older than 50 ms (sqlite-driver.ts, READING_KEPT_MS). A server checks every
// RING_TIMEOUT_MS that its socket file is still its own: removed, writers could not ring it any
// more, so it stops listening and asks SQLite once per task from then on.

import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, realpathSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { basename, join } from 'node:path';

/** A socket path must fit sockaddr_un: 108 bytes with the NUL on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 103;
/** How long a writer waits for a server's answer; a server's reading of the store lives far shorter (READING_KEPT_MS). */
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
 * Listens for bells on the store at `dbPath`, calling `onRing` before answering each, and `onLost` if
 * the listening socket fails later or its file is gone (checked every `checkEveryMs`: removed by hand,
 * writers would find no server to ring, so this one would trust its reading for its whole 50 ms).
 * Undefined when this process cannot listen (a path too long for a socket, a directory it may not
 * write, or one it does not own alone): then it has to ask SQLite on every request instead.
 */
export function listenForBells(
  dbPath: string,
  onRing: () => void,
  onLost: () => void = () => undefined,
  checkEveryMs = RING_TIMEOUT_MS,
): Promise<Listener | undefined> {
  let path: string;
  try {
    const dir = bellsDir(dbPath);
    // Only this user may ring or list the servers: a directory someone else made, or could write, is not used.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) return Promise.resolve(undefined);
    path = join(dir, `${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  } catch {
    return Promise.resolve(undefined);
  }
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return Promise.resolve(undefined);
  let heard = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // a writer that gave up and closed
    socket.setTimeout(RING_TIMEOUT_MS, () => socket.destroy()); // and one that never closes
    heard++;
    onRing();
    socket.end('.');
  });
  let inode: number | undefined;
  const unlink = () => {
    try {
      if (isSocket(path, inode)) unlinkSync(path); // its own socket, not one put in its place
    } catch {
      // already gone
    }
  };
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(path, () => {
      server.unref(); // listening alone does not keep a process alive
      server.removeAllListeners('error');
      inode = lstatSync(path).ino;
      const watch = setInterval(() => {
        if (!isSocket(path, inode)) lost();
      }, checkEveryMs).unref();
      const close = () => {
        clearInterval(watch);
        process.off('exit', unlink);
        server.close();
        unlink();
      };
      const lost = () => {
        close();
        // Never the error's text (it holds the path); the process goes back to asking SQLite per request.
        console.error('wiregate: the store bell stopped listening; changes by other processes are now checked on every request');
        onLost();
      };
      server.on('error', lost);
      process.once('exit', unlink);
      resolve({ path, heard: () => heard, close });
    });
  });
}

export interface Rung {
  /** Servers that answered: they see the change on their next request. */
  readonly heard: number;
  /** Servers that did not answer, and were waited out (their reading of the store is older than the change by then). */
  readonly silent: number;
  /** Whether the servers could not even be listed (then they were waited out too). */
  readonly unlisted: boolean;
}

/**
 * Rings every server on the store at `dbPath` but `own` (this process's listener), and waits for their
 * answers; if any could not be confirmed, until `timeoutMs` after the call.
 */
export async function ringBells(dbPath: string, own?: string, timeoutMs = RING_TIMEOUT_MS): Promise<Rung> {
  const start = performance.now();
  const waitOut = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, start + timeoutMs - performance.now())));
  let sockets: string[];
  try {
    const dir = bellsDir(dbPath);
    sockets = readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => path !== own && isSocket(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { heard: 0, silent: 0, unlisted: false }; // no server ever listened here
    await waitOut();
    return { heard: 0, silent: 0, unlisted: true };
  }
  const outcomes = await Promise.all(sockets.map((path) => ring(path, timeoutMs)));
  const silent = outcomes.filter((o) => o === 'silent').length;
  if (silent > 0) await waitOut();
  return { heard: outcomes.filter((o) => o === 'heard').length, silent, unlisted: false };
}

/** Whether `path` is a socket (with `inode`, that one). */
function isSocket(path: string, inode?: number): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isSocket() && (inode === undefined || stat.ino === inode);
  } catch {
    return false; // removed meanwhile
  }
}

/**
 * Whether the process named by a socket's file name (`<pid>-<random>.sock`) is alive. A refused
 * connection is not proof of a dead server: where a full backlog is refused too (macOS), removing the
 * socket would hide a live server from every writer after.
 */
function ownerAlive(path: string): boolean {
  const pid = Number(/^(\d+)-/.exec(basename(path))?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
      if (err.code !== 'ECONNREFUSED')
        done(err.code === 'ENOENT' ? 'gone' : 'silent'); // EAGAIN (a full backlog), EACCES, …: waited out
      else if (ownerAlive(path))
        done('silent'); // refused by a live process: waited out, and left in place
      else {
        // Nobody listens: the server died without removing its socket.
        try {
          unlinkSync(path);
        } catch {
          // removed meanwhile
        }
        done('gone');
      }
    });
    socket.once('end', () => done('silent')); // closed without answering
  });
}
