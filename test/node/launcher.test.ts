// bin/wiregate.mjs: the CLI runs from a bundle of src/ that is rebuilt whenever a source file changes, and
// from the sources through tsx when no bundle can be written. Each test works on its own copy of the
// launcher and the sources, with the repository's node_modules linked in.

import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from './support/scratch.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wiregate-launcher-'));
  dirs.push(dir);
  for (const part of ['bin', 'src', 'migrations', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'wiregate.mjs'), ...args], { cwd: tmpdir(), env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });

describe('bin/wiregate.mjs', () => {
  it('builds the bundle once, reuses it, and rebuilds it when a source file or the launcher changes', () => {
    const dir = checkout();
    const bundle = join(dir, 'build', 'cli', 'main.mjs');
    const first = run(dir, '--version');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^wiregate \d+\.\d+\.\d+/);
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const built = statSync(bundle).mtimeMs;

    expect(run(dir, '--version').status).toBe(0);
    expect(statSync(bundle).mtimeMs).toBe(built);

    // A file deep in the import graph: the server's own module.
    appendFileSync(join(dir, 'src', 'node', 'server.ts'), "\nconsole.log('edited since the bundle');\n");
    const edited = run(dir, '--version');
    expect(edited.status).toBe(0);
    expect(edited.stdout).toContain('edited since the bundle');
    const rebuilt = statSync(bundle).mtimeMs;
    expect(rebuilt).not.toBe(built);

    // How the sources are bundled is an input too: the launcher itself.
    appendFileSync(join(dir, 'bin', 'wiregate.mjs'), '\n// another build option\n');
    expect(run(dir, '--version').status).toBe(0);
    expect(statSync(bundle).mtimeMs).not.toBe(rebuilt);
  }, 60_000);

  it('runs from the sources through tsx when no bundle can be written', () => {
    const dir = checkout();
    writeFileSync(join(dir, 'build'), 'a file where the build directory would go\n');
    const r = run(dir, '--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^wiregate \d+\.\d+\.\d+/);
    expect(r.stderr).toMatch(/^wiregate: running from the sources \(could not bundle them: /);
  }, 60_000);
});
