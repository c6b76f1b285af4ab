// Receipt ids: an HMAC over (issuer, licensee, token id, story, version) that traces a copy to the token that fetched it.

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

/** Who fetched a copy: the token's issuer, licensee and id. A jti is unique only per issuer and licensee. */
export interface ReceiptHolder {
  readonly iss: string;
  readonly sub: string;
  readonly jti: string;
}

/**
 * The same token (by iss, sub and jti, so any spelling of it) and story version always give the same
 * id; two licensees whose tokens share a jti get different ones; without the server secret nobody can
 * compute or forge one.
 */
export async function receiptId(secret: string, holder: ReceiptHolder, slug: string, version: number): Promise<string> {
  // A JSON array, not joined lines: no value can run into the next ("a\nb", "" vs "a", "b\n").
  const message = encoder.encode(JSON.stringify(['wiregate-receipt-v2', holder.iss, holder.sub, holder.jti, slug, version]));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), message));
  let hex = '';
  for (const byte of mac.subarray(0, 12)) hex += byte.toString(16).padStart(2, '0');
  return `wg-${hex}`;
}
