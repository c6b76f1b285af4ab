// The demo key and receipt secret of a local development server: made on first start, never committed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** Git-ignored; the Worker build never reads it (scripts bundle licenses/ only). */
export const LOCAL_DIR = '.wiregate';
const DEMO_DIR = join(LOCAL_DIR, 'demo');

export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK & { kid: string; kty: string };
}

export async function newKeyPair(alg: 'ES256' | 'EdDSA', kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK & { kid: string } }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateJwk, publicJwk };
}

export async function loadSigningKey(path: string): Promise<SigningKey> {
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK & { kid?: string; alg?: string };
  if (!jwk.kid || (jwk.alg !== 'ES256' && jwk.alg !== 'EdDSA') || !jwk.d) {
    throw new Error(`${path} is not a wiregate private key (needs kid, alg ES256 or EdDSA, and d)`);
  }
  const { d: _d, ...publicJwk } = jwk;
  const privateKey = (await importJWK(jwk, jwk.alg)) as CryptoKey;
  return { kid: jwk.kid, alg: jwk.alg, privateKey, publicJwk: { ...publicJwk, kid: jwk.kid, kty: jwk.kty ?? '' } };
}

export function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
}

/** The demo signing key, made on first use. */
export async function demoKey(): Promise<SigningKey> {
  const path = join(DEMO_DIR, 'signing-key.private.jwk');
  if (!existsSync(path)) {
    mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
    const { privateJwk } = await newKeyPair('ES256', `demo-${randomBytes(4).toString('hex')}`);
    writePrivate(path, `${JSON.stringify(privateJwk, null, 2)}\n`);
  }
  return loadSigningKey(path);
}

/** The demo receipt secret, made on first use. */
export function demoReceiptSecret(): string {
  const path = join(DEMO_DIR, 'receipt-secret');
  if (!existsSync(path)) {
    mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
    writePrivate(path, randomBytes(32).toString('base64url'));
  }
  return readFileSync(path, 'utf8').trim();
}
