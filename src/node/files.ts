// Reads feeds/ and licenses/ from disk into the runtime-neutral DataFiles shape.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DataFile } from '../catalog/types.ts';
import type { DataFiles } from '../data.ts';

export function readDir(root: string): DataFile[] {
  const out: DataFile[] = [];
  const walk = (dir: string) => {
    // Dirent types, not a stat per file: 10,000 stories load in a fraction of the time.
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) {
        out.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(root);
  return out;
}

export function dataDirs(env: NodeJS.ProcessEnv = process.env): { feeds: string; licenses: string } {
  // Without a trailing slash, so that a problem names `<dir>/<file>`.
  const dir = (value: string | undefined, fallback: string) => value?.replace(/(.)\/+$/, '$1') || fallback;
  return { feeds: dir(env['WIREGATE_FEEDS_DIR'], 'feeds'), licenses: dir(env['WIREGATE_LICENSES_DIR'], 'licenses') };
}

export function readDataFiles(dirs = dataDirs()): DataFiles {
  return { feeds: readDir(dirs.feeds), licenses: readDir(dirs.licenses), dirs };
}
