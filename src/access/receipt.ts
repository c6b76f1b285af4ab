// Receipt ids: an HMAC over (token id, story, version) that traces a copy to the token that fetched it.

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/**
 * The same token (by jti, so any spelling of it) and story version always give the same id;
 * without the server secret nobody can compute or forge one.
 */
export async function receiptId(secret: string, jti: string, slug: string, version: number): Promise<string> {
  const message = encoder.encode(`wiregate-receipt-v1\n${jti}\n${slug}\n${version}`);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), message));
  let hex = '';
  for (const byte of mac.subarray(0, 12)) hex += byte.toString(16).padStart(2, '0');
  return `wg-${hex}`;
}
