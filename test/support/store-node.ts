// Test stores in Node: a real SQLite database (private, in memory) with the repository's migrations.

import type { DataFiles } from '../../src/data.ts';
import { openSqlite } from '../../src/node/sqlite-driver.ts';
import { importFiles } from '../../src/store/import.ts';
import { Store, type StoreOptions } from '../../src/store/store.ts';

export const RUNTIME: 'node' | 'workerd' = 'node';

export async function testStore(files: DataFiles, options: StoreOptions = { ttlMs: 0 }): Promise<Store> {
  const { driver } = openSqlite(':memory:');
  await importFiles(driver, files, { operator: 'test' }, Date.now());
  return new Store(driver, options);
}

/** D1 exists only inside workerd: tests of the Worker entry run there (describe.runIf(RUNTIME === 'workerd')). */
export async function testD1(_files: DataFiles): Promise<never> {
  throw new Error('D1 runs inside workerd only');
}
