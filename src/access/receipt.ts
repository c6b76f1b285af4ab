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
export function receiptId(secret: string, holder: ReceiptHolder, slug: string, version: number): Promise<string> {
  // A JSON array, not joined lines: no value can run into the next ("a\nb", "" vs "a", "b\n").
  const text = JSON.stringify(['wiregate-receipt-v2', holder.iss, holder.sub, holder.jti, slug, version]);
  // A partner polling a 50-item feed needs the same 50 receipts every time: remember them (bounded).
  let bySecret = memo.get(secret);
  if (!bySecret) memo.set(secret, (bySecret = new Map()));
  let id = bySecret.get(text);
  if (!id) {
    if (bySecret.size >= MEMO_ENTRIES) bySecret.delete(bySecret.keys().next().value!);
    id = sign(secret, text);
    bySecret.set(text, id);
    id.catch(() => bySecret.delete(text));
  }
  return id;
}

const MEMO_ENTRIES = 50_000;
const memo = new Map<string, Map<string, Promise<string>>>();

async function sign(secret: string, text: string): Promise<string> {
  const message = encoder.encode(text);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), message));
  let hex = '';
  for (const byte of mac.subarray(0, 12)) hex += byte.toString(16).padStart(2, '0');
  return `wg-${hex}`;
}
