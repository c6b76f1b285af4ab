// The benchmark's data: the repository's seed catalog and a synthetic one (`wiregate synth`), each copied
// under build/bench with a fresh bench signing key, and the credentials the scenarios send.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { licensesDir, type Catalog } from './gateway.ts';

export const BENCH_DIR = 'build/bench';
const ISSUER = 'wiregate-local';
const AUDIENCE = 'wiregate';

export interface Credentials {
  /** The public half of the bench key (as in the catalogs' jwks.json). */
  readonly publicJwk: JWK;
  /** One valid token for demo-newsroom, scope feed:world. */
  readonly token: string;
  /** A file of 1,000 distinct valid `Bearer` values, one a line; and the first of them. */
  readonly poolFile: string;
  readonly poolFirst: string;
  /** A valid token with its signature altered. */
  readonly badSignature: string;
  /** A file of 1,000 distinct non-tokens; and the first of them. */
  readonly garbageFile: string;
  readonly garbageFirst: string;
}

export function seedCatalog(): Catalog {
  const dir = join(BENCH_DIR, 'seed');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync('feeds', join(dir, 'feeds'), { recursive: true });
  cpSync('licenses', join(dir, 'licenses'), { recursive: true });
  return { dir };
}

/** Through the CLI, as an operator would make one. */
export function syntheticCatalog(stories: number, name = 'synth'): Catalog {
  const dir = join(BENCH_DIR, name);
  execFileSync('node', ['bin/wiregate.mjs', 'synth', '--stories', String(stories), '--out', dir], { stdio: 'ignore' });
  return { dir };
}

export async function credentials(catalogs: readonly Catalog[]): Promise<Credentials> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  for (const c of catalogs) writeFileSync(join(licensesDir(c), 'jwks.json'), JSON.stringify({ keys: [publicJwk] }));
  const token = await mint(privateKey, 'bench-0');
  const pool = await Promise.all(Array.from({ length: 1000 }, (_, i) => mint(privateKey, `bench-pool-${i}`)));
  const garbage = Array.from({ length: 1000 }, (_, i) => `Bearer garbage-${i}-${Math.random().toString(36).slice(2)}`);
  const poolFile = join(BENCH_DIR, 'tokens-1000.txt');
  const garbageFile = join(BENCH_DIR, 'garbage-1000.txt');
  writeFileSync(poolFile, `${pool.map((t) => `Bearer ${t}`).join('\n')}\n`);
  writeFileSync(garbageFile, `${garbage.join('\n')}\n`);
  return {
    publicJwk,
    token: `Bearer ${token}`,
    poolFile,
    poolFirst: `Bearer ${pool[0]!}`,
    badSignature: `Bearer ${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    garbageFile,
    garbageFirst: garbage[0]!,
  };
}

function mint(key: CryptoKey, jti: string): Promise<string> {
  return new SignJWT({ scope: 'feed:world' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'license+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('demo-newsroom')
    .setJti(jti)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key);
}
