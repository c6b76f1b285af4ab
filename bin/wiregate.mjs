#!/usr/bin/env node
// Runs the TypeScript CLI on Node without a build step: src/cli/main.ts is bundled with esbuild on first
// use into build/cli/main.mjs (the npm packages stay outside it) and rebuilt whenever one of its source
// files changes; every other start imports the bundle. Loading the sources through tsx instead took
// about 0.8 s of every start (`wiregate serve` to its first answer: 1.1 s → 0.3 s) and wrapped every
// closure the server makes per request in a naming call (tsx keeps function names; 2–3% of a licensed
// request in `npm run bench:profile`). Should the bundle be impossible (a read-only checkout), the CLI
// runs from the sources through tsx as before.
//
// The bundle sits two directories below the repository, as src/cli/main.ts does, so the paths its code
// resolves against import.meta.url (the migrations, package.json) are the same.

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'cli', 'main.ts');
const outDir = join(root, 'build', 'cli');
const bundle = join(outDir, 'main.mjs');
const manifest = join(outDir, 'inputs.json');
const BUILT_BY = ['bin/wiregate.mjs', 'node_modules/esbuild/package.json'];

await import(pathToFileURL(await bundled().catch(fromSources)).href);

/** The bundle's path, built first when it is missing or older than any of its sources. */
async function bundled() {
  if (fresh()) return bundle;
  const { build } = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  // Written beside and renamed into place: processes starting at once never import half a file.
  const tmp = `${bundle}.${process.pid}.tmp`;
  const result = await build({
    absWorkingDir: root, // the metafile's input paths are relative to it
    entryPoints: [entry],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    metafile: true,
    sourcemap: 'external', // build/cli/main.mjs.map, for profiles (bench/profile.ts) and debuggers
    logLevel: 'error',
  });
  // The bundle's sources, and what decides how they are bundled: this file and the esbuild installed.
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILT_BY]) inputs[file] = stamp(join(root, file));
  renameSync(`${tmp}.map`, `${bundle}.map`);
  renameSync(tmp, bundle);
  writeFileSync(`${manifest}.${process.pid}.tmp`, JSON.stringify({ inputs }));
  renameSync(`${manifest}.${process.pid}.tmp`, manifest);
  return bundle;
}

/** Whether the bundle was built from the sources as they are now (each file's size and mtime). */
function fresh() {
  try {
    const { inputs } = JSON.parse(readFileSync(manifest, 'utf8'));
    statSync(bundle);
    return Object.entries(inputs).every(([file, was]) => stamp(join(root, file)) === was);
  } catch {
    return false;
  }
}

function stamp(path) {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

async function fromSources(err) {
  console.error(`wiregate: running from the sources (could not bundle them: ${err instanceof Error ? err.message.split('\n')[0] : err})`);
  const { register } = await import('tsx/esm/api');
  register();
  return entry;
}
