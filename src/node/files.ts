// Reads feeds/ and licenses/ from disk into the runtime-neutral DataFiles shape.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DataFile } from '../catalog/types.ts';
import type { DataFiles } from '../data.ts';

export function readDir(root: string): DataFile[] {
  const out: DataFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json')) out.push({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return out;
}

export function dataDirs(env: NodeJS.ProcessEnv = process.env): { feeds: string; licenses: string } {
  return { feeds: env['WIREGATE_FEEDS_DIR'] || 'feeds', licenses: env['WIREGATE_LICENSES_DIR'] || 'licenses' };
}

export function readDataFiles(dirs = dataDirs()): DataFiles {
  return { feeds: readDir(dirs.feeds), licenses: readDir(dirs.licenses) };
}
