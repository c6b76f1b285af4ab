// Node-only helpers for tests that run the wiregate CLI: scratch copies of feeds/ and licenses/, a clean
// environment, the CLI run inside a copy, what the CLI's store there holds, and an app built over it.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { newApp } from '../../../src/app.ts';
import { openSqlite, type SqliteStore } from '../../../src/node/sqlite-driver.ts';
import { importIfNew } from '../../../src/store/import.ts';
import { Store } from '../../../src/store/store.ts';
import { readDataFiles } from '../../../src/node/files.ts';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'bin', 'wiregate.mjs');

/**
 * Scratch copies of the repository's feeds/ and licenses/ in `wiregate-<prefix>-*` temporary directories,
 * all removed after the calling file's tests (call it at the top level of a test file).
 */
export function tempCopies(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `wiregate-${prefix}-`));
    dirs.push(dir);
    cpSync(join(ROOT, 'feeds'), join(dir, 'feeds'), { recursive: true });
    cpSync(join(ROOT, 'licenses'), join(dir, 'licenses'), { recursive: true });
    return dir;
  };
}

/** This process's environment without any WIREGATE_* variable, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('WIREGATE_')) delete env[name];
  return { ...env, ...extra };
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, for messages. */
  readonly output: string;
}

/** Runs the CLI to completion (30 s at most) in `cwd` with a clean environment plus `env`. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd, env: cleanEnv(options.env), encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}\n${r.stderr}` };
}

/**
 * Runs the CLI as runCli does, without blocking this process's event loop: an in-process WebSub hub or
 * store-bell listener must be free to answer while the CLI waits for it.
 */
export function runCliAsync(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** An operator token (1 h) for `scope`, signed by a new operator key `kid` generated in `dir`. */
export function operatorToken(dir: string, kid: string, scope = 'stories:write'): string {
  const keys = runCli(['keys', 'generate', '--operator', '--kid', kid], { cwd: dir });
  if (keys.status !== 0) throw new Error(`keys generate failed:\n${keys.output}`);
  const token = runCli(['token', '--operator', '--sub', 'desk', '--scope', scope, '--ttl', '1h'], { cwd: dir });
  if (token.status !== 0) throw new Error(`token failed:\n${token.output}`);
  return token.stdout.trim();
}

/**
 * An app over the store the CLI uses when run in `dir` (`dir`/.wiregate/wiregate.db), filled from
 * `dir`/feeds and `dir`/licenses if new: what `wiregate serve` in that folder would serve.
 */
export async function appOver(dir: string): Promise<ReturnType<typeof newApp>> {
  const store = new Store((await openScratchStore(dir)).driver, { ttlMs: 0 });
  return newApp(() => store);
}

/** The store the CLI uses when run in `dir`, filled from `dir`/feeds and `dir`/licenses if new, as the CLI would. */
async function openScratchStore(dir: string): Promise<SqliteStore> {
  const sqlite = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
  try {
    await importIfNew(sqlite.driver, () => readDataFiles({ feeds: join(dir, 'feeds'), licenses: join(dir, 'licenses') }), { operator: 'test' }, Date.now());
  } catch (e) {
    sqlite.close();
    throw e;
  }
  return sqlite;
}

async function withScratchStore<T>(dir: string, read: (db: SqliteStore['db']) => T): Promise<T> {
  const sqlite = await openScratchStore(dir);
  try {
    return read(sqlite.db);
  } finally {
    sqlite.close();
  }
}

/** The current record of story `slug` in the CLI's store in `dir`, or undefined if it holds none. */
export function storedStory(dir: string, slug: string): Promise<Record<string, unknown> | undefined> {
  return withScratchStore(dir, (db) => {
    const row = db.prepare('SELECT record FROM stories WHERE slug = ?').get(slug) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as Record<string, unknown>) : undefined;
  });
}

/** The slugs of feed `feedId` in the CLI's store in `dir`, newest first (feed order). */
export function feedMembers(dir: string, feedId: string): Promise<string[]> {
  return withScratchStore(dir, (db) => db.prepare('SELECT slug FROM feed_items WHERE feed_id = ? ORDER BY rank DESC').pluck().all(feedId) as string[]);
}

/**
 * Every row of every table of the CLI's store in `dir` (but the migrations' own), table → rows in a stable order:
 * "nothing was changed" means this is equal before and after. Opening fills a new store from the files
 * first, so a "before" taken ahead of the CLI's first run is what that run starts from.
 */
export function storeContents(dir: string): Promise<Record<string, unknown[]>> {
  return withScratchStore(dir, (db) => {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('d1_migrations', 'sqlite_sequence') ORDER BY name`)
      .pluck()
      .all() as string[];
    // A WITHOUT ROWID table (receipts) has no rowid: it comes in its primary key's order.
    const order = (t: string) =>
      /\bWITHOUT ROWID\b/i.test(db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).pluck().get(t) as string) ? '' : ' ORDER BY rowid';
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"${order(t)}`).all()]));
  });
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Writes `value` as two-space JSON with a final newline. */
export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
