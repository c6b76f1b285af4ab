// Opaque secrets (feed keys, session ids): random, URL-safe, and stored only as their SHA-256.

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const byte of bytes) bin += String.fromCharCode(byte);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes (32: 256 bits, well past SPEC §11's 128) as base64url: 43 characters for 32. */
export function newSecret(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A short public id (not a secret): what lists, receipts and audit rows name instead of the secret. */
export function newPublicId(prefix: string): string {
  return `${prefix}${base64url(crypto.getRandomValues(new Uint8Array(9)))}`;
}

/**
 * What the store keeps of a secret. A plain SHA-256 suffices (no salt, no slow hash): the secret has
 * 256 random bits, so nothing can be guessed from the hash, and lookups stay one indexed read.
 */
export async function secretHash(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(secret)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The shape every secret we issue has; anything else is unknown without a store read. */
export const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
