// Fills the store at WIREGATE_DB from WIREGATE_FEEDS_DIR / WIREGATE_LICENSES_DIR exactly as the Node
// server's first start does (openNodeStore), then closes it. Not `wiregate import`: on an empty store
// that command imports twice (its store opening imports the files, then it syncs them again), which
// doubles the fingerprinting, the slow part of an import.

import { openNodeStore } from '../src/node/server.ts';

const { sqlite } = await openNodeStore();
sqlite.db.pragma('wal_checkpoint(TRUNCATE)');
sqlite.close();
