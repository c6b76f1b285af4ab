// The wiregate CLI on Node (SPEC §2, §9): check, keys generate, token, pack and serve --demo, each in a scratch copy.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../../src/app.ts';
import { openSqlite } from '../../src/node/sqlite-driver.ts';
import { Store } from '../../src/store/store.ts';
import { BINDINGS, bearer, LATE, LICENSE_LINE, SLUG } from '../support/gateway.ts';
import { freePort } from './support/serve.ts';
import { appOver, cleanEnv, CLI, readJson, ROOT, runCli, tempCopies, writeJson } from './support/scratch.ts';

const STORY = `stories/${SLUG}.json`;

const tempCopy = tempCopies('cli');
const wiregate = (cwd: string, ...args: string[]) => runCli(args, { cwd });

describe('wiregate check', () => {
  it('passes on the repository data', () => {
    const r = wiregate(ROOT, 'check');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok:/m);
  }, 30_000);

  const BREAKS: { name: string; file: string; field: string | RegExp; breakIt: (dir: string) => void }[] = [
    {
      name: 'invalid JSON in a feed file',
      file: 'feeds/world.json',
      field: /JSON/,
      breakIt: (dir) => writeFileSync(join(dir, 'feeds', 'world.json'), '{"id": "world", "title": '),
    },
    {
      name: 'a story missing its headline',
      file: `feeds/${STORY}`,
      field: 'headline',
      breakIt: (dir) => {
        const story = readJson(join(dir, 'feeds', STORY));
        delete story['headline'];
        writeJson(join(dir, 'feeds', STORY), story);
      },
    },
    {
      name: 'a licensee with status "paused"',
      file: 'licenses/demo-newsroom.json',
      field: 'status',
      breakIt: (dir) => writeJson(join(dir, 'licenses', 'demo-newsroom.json'), { ...readJson(join(dir, 'licenses', 'demo-newsroom.json')), status: 'paused' }),
    },
    {
      name: 'a licensee missing its license number',
      file: 'licenses/demo-newsroom.json',
      field: 'license',
      breakIt: (dir) => {
        const l = readJson(join(dir, 'licenses', 'demo-newsroom.json'));
        delete l['license'];
        writeJson(join(dir, 'licenses', 'demo-newsroom.json'), l);
      },
    },
    {
      name: 'a private key member "d" in jwks.json',
      file: 'licenses/jwks.json',
      field: /keys\[0\].*"d"/,
      breakIt: (dir) =>
        writeJson(join(dir, 'licenses', 'jwks.json'), {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              kid: 'leaked',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI',
            },
          ],
        }),
    },
    {
      name: 'a story whose feeds name a missing feed',
      file: `feeds/${STORY}`,
      field: 'feeds[1]',
      breakIt: (dir) => {
        const story = readJson(join(dir, 'feeds', STORY));
        writeJson(join(dir, 'feeds', STORY), { ...story, feeds: ['world', 'no-such-feed'] });
      },
    },
    {
      name: 'a feed naming a story that does not exist',
      file: 'feeds/world.json',
      field: 'stories[1]',
      breakIt: (dir) => writeJson(join(dir, 'feeds', 'world.json'), { ...readJson(join(dir, 'feeds', 'world.json')), stories: [SLUG, 'no-such-story'] }),
    },
  ];

  for (const b of BREAKS) {
    it(`fails on ${b.name}, naming the file and the field`, () => {
      const dir = tempCopy();
      b.breakIt(dir);
      const r = wiregate(dir, 'check');
      expect(r.status).not.toBe(0);
      expect(r.status).not.toBeNull();
      const line = r.output.split('\n').find((l) => l.includes(b.file) && /error/i.test(l));
      expect(line, `no error line naming ${b.file} in:\n${r.output}`).toBeDefined();
      if (typeof b.field === 'string') expect(line).toContain(b.field);
      else expect(line).toMatch(b.field);
      expect(r.output).not.toMatch(/\n\s+at /);
    }, 30_000);
  }

  it('names the file in the directories in force (WIREGATE_FEEDS_DIR, WIREGATE_LICENSES_DIR), not feeds/ and licenses/', () => {
    const dir = tempCopy();
    BREAKS.find((b) => b.field === 'status')!.breakIt(dir);
    BREAKS.find((b) => b.file === 'feeds/world.json')!.breakIt(dir);
    renameSync(join(dir, 'licenses'), join(dir, 'registry'));
    renameSync(join(dir, 'feeds'), join(dir, 'wire'));
    const r = runCli(['check'], { cwd: dir, env: { WIREGATE_FEEDS_DIR: 'wire/', WIREGATE_LICENSES_DIR: join(dir, 'registry') } });
    expect(r.status).toBe(1);
    const errors = r.output.split('\n').filter((l) => /^error/.test(l));
    expect(
      errors.find((l) => l.includes(`${join(dir, 'registry')}/demo-newsroom.json: status`)),
      r.output,
    ).toBeDefined();
    expect(
      errors.find((l) => l.startsWith('error: wire/world.json: ')),
      r.output,
    ).toBeDefined();
    expect(r.output).not.toMatch(/\blicenses\/demo-newsroom|\bfeeds\/world/);
  }, 30_000);

  it('never echoes private key material while refusing it', () => {
    const dir = tempCopy();
    BREAKS.find((b) => b.file === 'licenses/jwks.json')!.breakIt(dir);
    const r = wiregate(dir, 'check');
    expect(r.status).not.toBe(0);
    expect(r.output).not.toContain('jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI');
  }, 30_000);

  it('warns, and exits 0, when a licensee names a feed that does not exist yet', async () => {
    const dir = tempCopy();
    writeJson(join(dir, 'licenses', 'sports-desk.json'), {
      id: 'sports-desk',
      name: 'Sports Desk',
      status: 'active',
      license: 'LIC-SPORTS-1',
      feeds: ['sports'],
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2027-01-01T00:00:00Z',
    });
    const r = wiregate(dir, 'check');
    expect(r.status).toBe(0);
    const line = r.output.split('\n').find((l) => l.includes('licenses/sports-desk.json'));
    expect(line, r.output).toMatch(/warn/i);
    expect(line).toContain('feeds[0]');
    expect(line).toContain('sports');
    // and start-up goes on: the data loads
    await expect(appOver(dir)).resolves.toBeDefined();
  }, 30_000);
});

describe('wiregate keys generate and token', () => {
  it('writes a 0600 private key under .wiregate/keys/, a public key to jwks.json, and mints a working token', async () => {
    const dir = tempCopy();
    const gen = wiregate(dir, 'keys', 'generate', '--kid', 'cli-test-key');
    expect(gen.stderr).toBe('');
    expect(gen.status).toBe(0);

    const privatePath = join(dir, '.wiregate', 'keys', 'cli-test-key.private.jwk');
    expect(existsSync(privatePath)).toBe(true);
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    const privateJwk = readJson(privatePath);
    expect(typeof privateJwk['d']).toBe('string');

    const jwksText = readFileSync(join(dir, 'licenses', 'jwks.json'), 'utf8');
    const jwks = JSON.parse(jwksText) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: 'cli-test-key', kty: 'EC', alg: 'ES256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwksText).not.toContain(privateJwk['d'] as string);
    expect(gen.output).not.toContain(privateJwk['d'] as string);
    expect(wiregate(dir, 'check').status).toBe(0);

    const tok = wiregate(dir, 'token', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1h');
    expect(tok.stderr).toContain('kid:     cli-test-key'); // the token's facts go to stderr, the token alone to stdout
    expect(tok.status).toBe(0);
    const token = tok.stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'license+jwt', kid: 'cli-test-key', alg: 'ES256' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'demo-newsroom', scope: 'feed:world', iss: 'wiregate-local', aud: 'wiregate' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(typeof claims.jti).toBe('string');

    const app = await appOver(dir);
    const res = await app.request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(LATE);
    expect(text).toContain(LICENSE_LINE);
    // the repository's own data does not trust that key
    const repoApp = await appOver(ROOT);
    expect((await repoApp.request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS)).status).toBe(401);
  }, 60_000);

  it('generates EdDSA keys too', () => {
    const dir = tempCopy();
    expect(wiregate(dir, 'keys', 'generate', '--alg', 'EdDSA', '--kid', 'ed-key').status).toBe(0);
    const jwks = readJson(join(dir, 'licenses', 'jwks.json')) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kid: 'ed-key', kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(statSync(join(dir, '.wiregate', 'keys', 'ed-key.private.jwk')).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('token without a key says how to get one and exits non-zero', () => {
    const dir = tempCopy();
    const r = wiregate(dir, 'token', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1h');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/keys generate/);
    expect(r.stdout).toBe('');
  }, 30_000);
});

describe('the repository keeps local secrets out of git', () => {
  it('.gitignore ignores .wiregate/', () => {
    const lines = readFileSync(join(ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(lines.some((l) => l === '.wiregate/' || l === '.wiregate' || l === '/.wiregate/' || l === '/.wiregate')).toBe(true);
    for (const path of ['.wiregate/keys/x.private.jwk', '.wiregate/demo/signing-key.private.jwk', '.wiregate/demo/receipt-secret']) {
      const r = spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: ROOT });
      expect(r.status, path).toBe(0);
    }
  });
});

// ---- serve --demo: the demo key is trusted by the local server only ----

/** Collects a child's output; `until` resolves once the output matches, and rejects if the child exits first. */
function watch(child: ChildProcess): { output: () => string; until: (pattern: RegExp, timeoutMs: number) => Promise<RegExpExecArray> } {
  let stdout = '';
  let stderr = '';
  let exited: number | null | undefined;
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    waiters.forEach((w) => w());
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.once('exit', (code) => {
    exited = code;
    waiters.forEach((w) => w());
  });
  const until = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(poll);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} from serve --demo in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
      }, timeoutMs);
      const poll = () => {
        const m = pattern.exec(stdout);
        if (m) {
          done();
          resolve(m);
        } else if (exited !== undefined) {
          done();
          reject(new Error(`serve --demo exited with ${exited}:\n${stdout}\n${stderr}`));
        }
      };
      waiters.add(poll);
      poll();
    });
  return { output: () => stdout, until };
}

describe('wiregate serve --demo', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  let port = 0;
  let token = '';
  let out: ReturnType<typeof watch>;

  beforeAll(async () => {
    dir = tempCopy();
    port = await freePort();
    child = spawn(process.execPath, [CLI, 'serve', '--demo'], {
      cwd: dir,
      env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    out = watch(child);
    await out.until(/listening on/, 20_000);
    token = (await out.until(/export TOKEN=(\S+)/, 20_000))[1]!;
  }, 30_000);

  afterAll(async () => {
    const c = child;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('prints a working demo token and curl lines on the chosen port', async () => {
    await out.until(/\/desk\n/, 5_000);
    expect(out.output()).toContain(`http://127.0.0.1:${port}`);
    expect(out.output()).toMatch(/curl .*Authorization: Bearer \$TOKEN/);
    expect(out.output()).toContain(`http://127.0.0.1:${port}/desk`);
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'license+jwt' });
    expect(decodeJwt(token)).toMatchObject({ sub: 'demo-newsroom', scope: 'feed:world' });
  });

  it('serves the full story with the demo token over real HTTP, and only the excerpt without it', async () => {
    const base = `http://127.0.0.1:${port}`;
    const licensed = await fetch(`${base}/articles/${SLUG}.txt`, bearer(token));
    expect(licensed.status).toBe(200);
    const text = await licensed.text();
    expect(text).toContain(LATE);
    expect(text).toContain(LICENSE_LINE);
    const pub = await fetch(`${base}/articles/${SLUG}.txt`);
    expect(pub.status).toBe(200);
    expect(await pub.text()).not.toContain(LATE);
  });

  it('keeps the demo key out of licenses/jwks.json and out of the packed bundle', async () => {
    const kid = decodeProtectedHeader(token).kid!;
    expect(kid).toBeTruthy();
    // the demo key lives under the scratch dir's .wiregate/, never in the repository's
    expect(existsSync(join(dir, '.wiregate', 'demo'))).toBe(true);
    expect(statSync(join(dir, '.wiregate', 'demo', 'signing-key.private.jwk')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'licenses', 'jwks.json'), 'utf8')).not.toContain(kid);

    const packed = wiregate(dir, 'pack');
    expect(packed.status).toBe(0);
    for (const file of ['data.json', 'seed.sql']) {
      const text = readFileSync(join(dir, 'build', file), 'utf8');
      expect(text).not.toContain(kid);
      expect(text).not.toMatch(/\\?"d\\?"\s*:/);
      expect(text).not.toContain('receipt-secret');
    }
    // A D1 database seeded from the export (here: SQLite, as D1 is) does not trust the demo key.
    const seeded = openSqlite(':memory:');
    seeded.db.exec(readFileSync(join(dir, 'build', 'seed.sql'), 'utf8'));
    const seededStore = new Store(seeded.driver, { ttlMs: 0 });
    const bundled = newApp(() => seededStore);
    const refused = await bundled.request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('WWW-Authenticate')).toMatch(/error="invalid_token"/);
    const body = await refused.text();
    expect(body).not.toContain(LATE);
    expect(body).not.toContain(token);

    // the same for an app over the scratch dir's files, which is what a plain `serve` would load
    const plain = await (await appOver(dir)).request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS);
    expect(plain.status).toBe(401);
  }, 30_000);
});

// ---- receipt: tracing a copy back to the token that fetched it ----

describe('wiregate receipt', () => {
  it('prints the receipt a token of that jti finds in its copy, for the current story version', async () => {
    const dir = tempCopy();
    expect(runCli(['keys', 'generate', '--kid', 'trace-key'], { cwd: dir }).status).toBe(0);
    const token = runCli(['token', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1h', '--jti', 'trace-jti-1'], { cwd: dir }).stdout.trim();
    const bindings = { ...BINDINGS, WIREGATE_RECEIPT_SECRET: 'trace-secret' };
    const text = await (await (await appOver(dir)).request(`/articles/${SLUG}.txt`, bearer(token), bindings)).text();
    const inCopy = /Receipt: (wg-[0-9a-f]{24})/.exec(text)?.[1];
    expect(inCopy).toBeDefined();
    const env = { WIREGATE_RECEIPT_SECRET: 'trace-secret' };
    const traced = runCli(['receipt', '--sub', 'demo-newsroom', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir, env });
    expect(traced.status).toBe(0);
    expect(traced.stdout.trim()).toBe(inCopy);
    // --iss defaults to WIREGATE_ISSUER's default; naming it gives the same receipt, another issuer another.
    expect(
      runCli(['receipt', '--iss', 'wiregate-local', '--sub', 'demo-newsroom', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir, env }).stdout.trim(),
    ).toBe(inCopy);
    expect(
      runCli(['receipt', '--iss', 'other-issuer', '--sub', 'demo-newsroom', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir, env }).stdout.trim(),
    ).not.toBe(inCopy);
    // The same jti under another licensee is another receipt.
    expect(runCli(['receipt', '--sub', 'second-newsroom', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir, env }).stdout.trim()).not.toBe(inCopy);
    const other = runCli(['receipt', '--sub', 'demo-newsroom', '--jti', 'some-other-jti', '--slug', SLUG], { cwd: dir, env });
    expect(other.stdout.trim()).not.toBe(inCopy);
    const noSub = runCli(['receipt', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir, env });
    expect(noSub.status).not.toBe(0);
    expect(noSub.output).toMatch(/--sub is required/);
    const noSecret = runCli(['receipt', '--sub', 'demo-newsroom', '--jti', 'trace-jti-1', '--slug', SLUG], { cwd: dir });
    expect(noSecret.status).not.toBe(0);
    expect(noSecret.output).toMatch(/WIREGATE_RECEIPT_SECRET/);
  });
});

// ---- a CLI that helps (issue 10): token refuses what the server would refuse; --version, unknown command, --help ----

describe('wiregate token refuses, with exit 2, what the server would refuse', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempCopy();
    writeJson(join(dir, 'licenses', 'paused-news.json'), {
      id: 'paused-news',
      name: 'Paused News',
      status: 'suspended',
      license: 'LIC-P-1',
      feeds: ['world'],
      validFrom: '2020-01-01T00:00:00Z',
      validUntil: '2099-01-01T00:00:00Z',
    });
    writeJson(join(dir, 'licenses', 'over-news.json'), {
      id: 'over-news',
      name: 'Over News',
      status: 'active',
      license: 'LIC-O-1',
      feeds: ['world'],
      validFrom: '2020-01-01T00:00:00Z',
      validUntil: '2021-01-01T00:00:00Z',
    });
  });
  const token = (...args: string[]) => wiregate(dir, 'token', '--demo', ...args);

  it.each([
    ['an unknown licensee', ['--sub', 'nobody', '--scope', 'feed:world', '--ttl', '1h'], /"nobody" is not a licensee/],
    ['a suspended licensee', ['--sub', 'paused-news', '--scope', 'feed:world', '--ttl', '1h'], /"paused-news" is suspended/],
    ['a lapsed license', ['--sub', 'over-news', '--scope', 'feed:world', '--ttl', '1h'], /license of "over-news" ended/],
    ['a scope that is not feed:<id>', ['--sub', 'demo-newsroom', '--scope', 'world', '--ttl', '1h'], /"world" is not feed:<id>/],
    ['an empty feed id', ['--sub', 'demo-newsroom', '--scope', 'feed:', '--ttl', '1h'], /"feed:" is not feed:<id>/],
    ['a feed the licensee lacks', ['--sub', 'demo-newsroom', '--scope', 'feed:world feed:sports', '--ttl', '1h'], /not licensed for feed "sports"/],
    ['a bare-number ttl', ['--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '30'], /--ttl "30" needs a unit/],
    ['a ttl past the 400-day maximum', ['--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '401d'], /longer than the gateway accepts \(400 days/],
    ['a missing --sub', ['--scope', 'feed:world', '--ttl', '1h'], /--sub is required/],
  ])(
    '%s',
    (_name, args, message) => {
      const r = token(...args);
      expect(r.status, r.output).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
    30_000,
  );

  it('a ttl past WIREGATE_MAX_TOKEN_DAYS', () => {
    const r = runCli(['token', '--demo', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '31d'], {
      cwd: dir,
      env: { WIREGATE_MAX_TOKEN_DAYS: '30' },
    });
    expect(r.status, r.output).toBe(2);
    expect(r.stderr).toMatch(/30 days/);
  }, 30_000);

  it('a good request: the token alone on stdout; jti, kid, sub, scope and expiry on stderr, matching the token', () => {
    const r = token('--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '12h', '--jti', 'cli-jti-1');
    expect(r.status, r.output).toBe(0);
    const jwt = r.stdout.trim();
    expect(r.stdout).toBe(`${jwt}\n`);
    const claims = decodeJwt(jwt);
    const header = decodeProtectedHeader(jwt);
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
    expect(r.stderr).toContain('jti:     cli-jti-1');
    expect(r.stderr).toContain(`kid:     ${header.kid}`);
    expect(r.stderr).toContain('sub:     demo-newsroom');
    expect(r.stderr).toContain('scope:   feed:world');
    expect(r.stderr).toContain(`expires: ${new Date(claims.exp! * 1000).toISOString().replace('.000Z', 'Z')}`);
    expect(r.stderr).not.toContain(jwt);
  }, 30_000);

  it.each([
    ['30s', 30],
    ['90m', 5400],
    ['30d', 30 * 86_400],
  ])(
    '--ttl %s is %i seconds',
    (ttl, seconds) => {
      const claims = decodeJwt(token('--sub', 'demo-newsroom', '--scope', 'feed:*', '--ttl', ttl).stdout.trim());
      expect(claims.exp! - claims.iat!).toBe(seconds);
    },
    30_000,
  );
});

describe('wiregate --version, unknown commands and --help', () => {
  it('--version prints the package version', () => {
    const r = wiregate(ROOT, '--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wiregate ${(readJson(join(ROOT, 'package.json')) as { version: string }).version}\n`);
  }, 30_000);

  it('an unknown command says so on stderr and exits 2', () => {
    const r = wiregate(ROOT, 'frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command: frobnicate/);
    expect(r.stdout).toBe('');
  }, 30_000);

  it('an unknown option exits 2 and points at --help', () => {
    const r = wiregate(ROOT, 'check', '--frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--frobnicate.*wiregate --help/s);
  }, 30_000);

  it('<command> --help shows that command, not the overview', () => {
    const r = wiregate(ROOT, 'token', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: wiregate token --sub/);
    expect(r.stdout).toMatch(/--ttl/);
    expect(r.stdout).not.toMatch(/wiregate serve/);
    const k = wiregate(ROOT, 'keys', 'generate', '--help');
    expect(k.stdout).toMatch(/^usage: wiregate keys generate/);
    // A group's --help shows each of its commands.
    const group = wiregate(ROOT, 'feed-key', '--help');
    expect(group.status).toBe(0);
    for (const verb of ['issue', 'list', 'revoke']) expect(group.stdout).toContain(`usage: wiregate feed-key ${verb}`);
    expect(wiregate(ROOT, 'frobnicate', '--help').status).toBe(2);
    // Named without its command, a group says which it has (exit 2, nothing done).
    const bare = wiregate(ROOT, 'feed-key');
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/feed-key needs a command/);
    expect(bare.stderr).toContain('wiregate feed-key revoke');
    expect(wiregate(ROOT, 'token', '--operator', '--help').stdout).toMatch(/^usage: wiregate token --operator/);
  }, 30_000);

  it('--help alone lists every command', async () => {
    const { commands } = await import('../../src/cli/commands.ts');
    const r = wiregate(ROOT, '--help');
    expect(r.status).toBe(0);
    for (const name of Object.keys(commands)) expect(r.stdout, name).toContain(`wiregate ${name}`);
  }, 30_000);
});
