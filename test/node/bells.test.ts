// Bells (src/node/bells.ts): a serving process hears the CLI's and other servers' changes on its socket and
// forgets its reading of the store before it answers, so it can ask SQLite once per READING_KEPT_MS
// instead of once per request. Real sockets, real child processes, real HTTP on loopback.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bellsDir, listenForBells, RING_TIMEOUT_MS, ringBells } from '../../src/node/bells.ts';
import { changeCounter, openSqlite, READING_KEPT_MS } from '../../src/node/sqlite-driver.ts';
import { sql } from '../../src/store/sql.ts';
import { FIRST, SLUG } from '../support/gateway.ts';
import { operatorToken, ROOT, runCliAsync, tempCopies } from './support/scratch.ts';
import { serveIn, type Served } from './support/serve.ts';

const tempCopy = tempCopies('bells');
const servers: Served[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));
// Hooks registered inside a test never run: the scratch directories are removed by this one.
const scratchDirs: string[] = [];
afterAll(() => scratchDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wiregate-bells-'));
  scratchDirs.push(dir);
  return dir;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Waits until `check` holds, asking every 20 ms; fails after 5 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** Runs `statement` on the store at `path` from another process, through better-sqlite3 alone: a commit that rings no bell (as the sqlite3 shell's). */
function writeWithoutBell(path: string, statement: string): void {
  const raw = spawnSync(process.execPath, ['-e', `new (require('better-sqlite3'))(${JSON.stringify(path)}).exec(${JSON.stringify(statement)})`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(raw.status, raw.stderr).toBe(0);
}
const NEXT_GENERATION = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'";

/** Kills `child` with SIGKILL (no chance to clean up) once it has printed that it is up. */
async function killWhenUp(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

function scratchStore(): string {
  const dir = scratchDir();
  return join(dir, 'w.db');
}

describe('the change counter', () => {
  it('reads SQLite once per task until it listens, then once per READING_KEPT_MS, and at once after a bell', async () => {
    let dataVersion = 1;
    let reads = 0;
    let ms = 0;
    const counter = changeCounter(
      () => {
        reads++;
        return dataVersion;
      },
      { clock: () => ms },
    );
    const first = counter.read();
    dataVersion = 2; // another process commits
    expect(counter.read()).toBe(first); // the same task: the reading stands
    await Promise.resolve();
    const second = counter.read();
    expect(second).not.toBe(first); // the next task reads again
    await Promise.resolve(); // that task's end forgets its reading

    counter.hearing(true);
    const third = counter.read();
    dataVersion = 3;
    await nextTurn();
    ms = READING_KEPT_MS - 1;
    expect(counter.read()).toBe(third); // a later turn, the reading young: it stands
    counter.rung(); // a bell: the commit must reach the next read
    const fourth = counter.read();
    expect(fourth).not.toBe(third);
    dataVersion = 4;
    ms += READING_KEPT_MS - 1;
    expect(counter.read()).toBe(fourth); // trusted for READING_KEPT_MS from when it was taken…
    ms += 1;
    expect(counter.read()).not.toBe(fourth); // …and no longer, bell or not
    expect(reads).toBe(6); // one at the start, five reads that had to ask
  });

  it('while listening, trusts a reading far less long than a writer waits for an unconfirmed server', () => {
    expect(READING_KEPT_MS).toBeLessThan(RING_TIMEOUT_MS / 10);
  });

  it("moves on this process's own writes without asking SQLite", () => {
    const counter = changeCounter(() => 1);
    const before = counter.read();
    counter.ownWrite();
    expect(counter.read()).toBe(before + 1);
  });
});

describe('bells on a store file', () => {
  it('a listener hears a ring and answers; its socket is removed when it closes', async () => {
    const path = scratchStore();
    const sqlite = openSqlite(path);
    let rung = 0;
    const listener = await listenForBells(path, () => rung++);
    expect(listener).toBeDefined();
    expect(readdirSync(bellsDir(path))).toHaveLength(1);
    expect(await ringBells(path)).toEqual({ heard: 1, silent: 0, unlisted: false });
    expect(await ringBells(path, listener!.path)).toEqual({ heard: 0, silent: 0, unlisted: false }); // its own is skipped
    expect(rung).toBe(1);
    expect(listener!.heard()).toBe(1);
    listener!.close();
    expect(readdirSync(bellsDir(path))).toHaveLength(0);
    sqlite.close();
  });

  it('a write moves the version and rings the other servers only when it moves the generation (not a ledger flush)', async () => {
    const path = scratchStore();
    const writer = openSqlite(path);
    const other = await listenForBells(path, () => undefined);
    const before = writer.driver.version!();
    await writer.driver.batch([sql(`INSERT INTO audit (at, operator, action, target) VALUES ('t', 'o', 'a', 'b')`)]);
    expect(other!.heard()).toBe(0);
    expect(writer.driver.version!()).toBe(before); // the snapshot stays: nothing it holds changed
    await writer.driver.batch([sql(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`)]);
    expect(other!.heard()).toBe(1); // heard before the batch resolved
    expect(writer.driver.version!()).not.toBe(before);
    other!.close();
    writer.close();
  });

  it("a listening store forgets its reading when another process's write rings it, and only then", async () => {
    const path = scratchStore();
    const server = openSqlite(path, { clock: () => 0 }); // the reading never ages: only a bell can make it ask again
    expect(await server.listen()).toBe(true);
    const before = server.driver.version!();
    // A write that rings nothing (the sqlite3 shell, say) is not seen while the reading is trusted.
    writeWithoutBell(path, NEXT_GENERATION);
    expect(server.driver.version!()).toBe(before);
    // Another process moves the generation through the driver (so it rings), as the CLI does.
    const script = `import('${join(ROOT, 'src/node/sqlite-driver.ts').replaceAll('\\', '/')}').then(async (d) => { const s = d.openSqlite(${JSON.stringify(path)}); await s.driver.batch([{ sql: ${JSON.stringify(NEXT_GENERATION)}, params: [] }]); s.close(); })`;
    const writer = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: 'inherit' });
    expect(await new Promise((resolve) => writer.once('exit', resolve))).toBe(0);
    expect(server.bellsHeard()).toBe(1);
    expect(server.driver.version!()).not.toBe(before);
    server.close();
  });

  it('a file in the bells directory that is not a socket is neither rung nor removed', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    mkdirSync(bellsDir(path), { recursive: true, mode: 0o700 });
    writeFileSync(join(bellsDir(path), 'notes.sock'), 'not a socket');
    expect(await ringBells(path)).toEqual({ heard: 0, silent: 0, unlisted: false });
    expect(readdirSync(bellsDir(path))).toEqual(['notes.sock']);
  });

  it('servers that cannot be listed, or close without answering, are waited out', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    writeFileSync(bellsDir(path), 'a file where the directory should be');
    let start = performance.now();
    expect(await ringBells(path, undefined, 300)).toEqual({ heard: 0, silent: 0, unlisted: true });
    expect(performance.now() - start).toBeGreaterThanOrEqual(290);
    rmSync(bellsDir(path));
    mkdirSync(bellsDir(path), { mode: 0o700 });
    const rude: Server = createServer((socket) => socket.destroy()); // hangs up at once
    await new Promise<void>((resolve) => rude.listen(join(bellsDir(path), '1-rude.sock'), resolve));
    start = performance.now();
    expect(await ringBells(path, undefined, 300)).toEqual({ heard: 0, silent: 1, unlisted: false });
    expect(performance.now() - start).toBeGreaterThanOrEqual(290);
    await new Promise((resolve) => rude.close(resolve));
  });

  it('a bells directory others may open is not listened on', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    mkdirSync(bellsDir(path), { mode: 0o700 });
    chmodSync(bellsDir(path), 0o755);
    expect(await listenForBells(path, () => undefined)).toBeUndefined();
  });

  it('a store no server listens on rings nobody', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    expect(await ringBells(path)).toEqual({ heard: 0, silent: 0, unlisted: false });
  });

  it("a dead server's socket is removed by the next ring", async () => {
    const path = scratchStore();
    openSqlite(path).close();
    // A process that listens, says so, and is killed without a chance to clean up.
    const script = `import('${join(ROOT, 'src/node/bells.ts').replaceAll('\\', '/')}').then(async (b) => { await b.listenForBells(${JSON.stringify(path)}, () => {}); console.log('up'); setInterval(() => {}, 1000); })`;
    await killWhenUp(spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] }));
    expect(readdirSync(bellsDir(path))).toHaveLength(1);
    expect(await ringBells(path)).toEqual({ heard: 0, silent: 0, unlisted: false });
    expect(readdirSync(bellsDir(path))).toHaveLength(0);
  });

  it('a refused socket whose named process is alive is waited out and left in place', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    mkdirSync(bellsDir(path), { recursive: true, mode: 0o700 });
    // A socket named for a live process (this one) that refuses: as macOS refuses a live server whose backlog is full.
    const socket = join(bellsDir(path), `${process.pid}-refusing.sock`);
    const script = `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`;
    await killWhenUp(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })); // the file stays, and nobody listens on it
    expect(await ringBells(path, undefined, 200)).toEqual({ heard: 0, silent: 1, unlisted: false });
    expect(readdirSync(bellsDir(path))).toEqual([`${process.pid}-refusing.sock`]);
  });

  it('a server whose socket file is removed stops listening and reads SQLite per task again', async () => {
    const path = scratchStore();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // The reading never ages: only reading per task again can show a write that rings nobody.
    const server = openSqlite(path, { clock: () => 0, socketCheckMs: 20 });
    try {
      expect(await server.listen()).toBe(true);
      const before = server.driver.version!();
      for (const name of readdirSync(bellsDir(path))) rmSync(join(bellsDir(path), name));
      writeWithoutBell(path, NEXT_GENERATION);
      await until(() => server.driver.version!() !== before, 'the write is seen');
      expect(errors).toHaveBeenCalledWith('wiregate: the store bell stopped listening; changes by other processes are now checked on every request');
      expect(errors.mock.calls.flat().join('\n')).not.toContain(path); // never the path
    } finally {
      errors.mockRestore();
      server.close();
    }
  });

  it('a server that does not answer is counted silent once the wait is over', async () => {
    const path = scratchStore();
    openSqlite(path).close();
    mkdirSync(bellsDir(path), { recursive: true });
    const mute: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => mute.listen(join(bellsDir(path), '1-mute.sock'), resolve));
    expect(await ringBells(path, undefined, 200)).toEqual({ heard: 0, silent: 1, unlisted: false });
    await new Promise((resolve) => mute.close(resolve));
  });

  it('a store whose socket path would not fit does not listen, and its version is still read per task', async () => {
    const dir = join(scratchDir(), 'x'.repeat(90));
    const path = join(dir, 'w.db');
    const sqlite = openSqlite(path);
    expect(await sqlite.listen()).toBe(false);
    const before = sqlite.driver.version!();
    // Another process commits, rings nobody.
    writeWithoutBell(path, "INSERT INTO audit (at, operator, action, target) VALUES ('t', 'o', 'a', 'b')");
    await Promise.resolve();
    expect(sqlite.driver.version!()).not.toBe(before);
    sqlite.close();
  });
});

describe('a running server hears every change at once', () => {
  it('a kill by the CLI, another process, is served as 410 on the very next request', async () => {
    const dir = tempCopy();
    const served = await serveIn(dir, () => ({}));
    servers.push(served);
    const url = `http://127.0.0.1:${served.port}/articles/${SLUG}`;
    for (let i = 0; i < 3; i++) {
      const warm = await fetch(url); // asked twice and more: the excerpt is kept
      expect(warm.status).toBe(200);
      expect(await warm.text()).toContain(FIRST.slice(0, 40));
    }
    const store = join(dir, '.wiregate', 'wiregate.db');
    expect(readdirSync(bellsDir(store))).toHaveLength(1);
    const spy = await listenForBells(store, () => undefined); // a second listener, to see the CLI ring
    // Not spawnSync: this process's listener must be free to answer while the CLI waits for it.
    const kill = await runCliAsync(['kill', SLUG, '--reason', 'Legal'], { cwd: dir });
    expect(kill.status, kill.stderr).toBe(0);
    expect(kill.stderr).not.toMatch(/did not answer/);
    expect(spy!.heard()).toBe(1);
    spy!.close();
    const res = await fetch(url);
    expect(res.status).toBe(410);
    expect(await res.text()).not.toContain(FIRST.slice(0, 40)); // not the kept excerpt
  }, 60_000);

  it("a kill through one server's operator API is served as 410 by a second server on the same store", async () => {
    const dir = tempCopy();
    const operator = operatorToken(dir, 'bells-op');
    const a = await serveIn(dir, () => ({}));
    const b = await serveIn(dir, () => ({}));
    servers.push(a, b);
    const onB = `http://127.0.0.1:${b.port}/articles/${SLUG}.json`;
    for (let i = 0; i < 3; i++) {
      const warm = await fetch(onB);
      expect(warm.status).toBe(200);
      expect(await warm.text()).toContain(FIRST.slice(0, 40));
    }
    const kill = await fetch(`http://127.0.0.1:${a.port}/admin/stories/${SLUG}/kill`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${operator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'Legal' }),
    });
    expect(kill.status).toBe(200);
    const res = await fetch(onB);
    expect(res.status).toBe(410);
    expect(await res.text()).not.toContain(FIRST.slice(0, 40)); // not the kept excerpt
    await a.stop();
    await b.stop();
    // Both removed their sockets on the way out.
    expect(existsSync(bellsDir(join(dir, '.wiregate', 'wiregate.db'))) && readdirSync(bellsDir(join(dir, '.wiregate', 'wiregate.db')))).toEqual([]);
  }, 60_000);
});
