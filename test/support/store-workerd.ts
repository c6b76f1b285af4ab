// Test stores inside workerd: real D1 databases (a pool of bindings declared in vitest.config.ts),
// migrated with the repository's migrations, emptied and filled for each gateway a test makes.

import { applyD1Migrations, env } from 'cloudflare:test';
import { expect } from 'vitest';
import type { DataFiles } from '../../src/data.ts';
import { d1Driver, type D1Like } from '../../src/store/d1-driver.ts';
import { importFiles } from '../../src/store/import.ts';
import { sql } from '../../src/store/sql.ts';
import { durableQuotas, type NamespaceLike } from '../../src/store/quota-counter.ts';
import { Store, type StoreOptions } from '../../src/store/store.ts';

export const RUNTIME = 'workerd';
export const POOL_SIZE = 64;

/**
 * Gateways made outside a test (in beforeAll) live for their whole file: they get slots of their
 * own, counted per file. Gateways made inside a test are short-lived and share the other slots in
 * turn, so however many a file makes, none empties a database that a file-wide gateway still reads.
 */
const FILE_WIDE = 16;
let file: string | undefined;
let nextFileWide = 0;
let nextShort = 0;

function slot(): number {
  const state = expect.getState();
  if (state.testPath !== file) {
    file = state.testPath;
    nextFileWide = 0;
  }
  if (state.currentTestName === undefined) return nextFileWide++ % FILE_WIDE;
  return FILE_WIDE + (nextShort++ % (POOL_SIZE - FILE_WIDE));
}

export async function testStore(files: DataFiles, options: StoreOptions = { ttlMs: 0 }): Promise<Store> {
  // Quotas count in the Worker's Durable Objects (QUOTAS), as deployed; a prefix per gateway keeps
  // one test's counters from another's.
  const quotas = durableQuotas((env as unknown as { QUOTAS: NamespaceLike }).QUOTAS, `${crypto.randomUUID()}:`);
  return new Store(d1Driver(await testD1(files)), { quotas, ...options });
}

/** A real D1 database of the pool, migrated and filled from `files`: what the Worker's `DB` binding holds. */
export async function testD1(files: DataFiles): Promise<D1Like> {
  const bindings = env as unknown as Record<string, unknown>;
  const db = bindings[`TEST_DB_${slot()}`] as D1Like & Parameters<typeof applyD1Migrations>[0];
  await applyD1Migrations(db, bindings['TEST_MIGRATIONS'] as Parameters<typeof applyD1Migrations>[1]);
  const driver = d1Driver(db);
  const tables = (
    await driver.all<{ name: string }>(
      sql(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'd1_%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`),
    )
  ).map((t) => t.name);
  await driver.batch([
    ...tables.filter((t) => t !== 'meta').map((t) => sql(`DELETE FROM ${t}`)),
    sql(`DELETE FROM meta WHERE key <> 'generation'`),
    sql(`UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'`),
  ]);
  await importFiles(driver, files, { operator: 'test' }, Date.now());
  return db;
}
