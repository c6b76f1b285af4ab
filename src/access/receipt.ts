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
  const ids = memoFor(secret);
  let id = ids.get(text);
  if (!id) {
    const signed = sign(secret, text);
    ids.set(text, signed);
    signed.catch(() => ids.delete(text, signed));
    id = signed;
  }
  return id;
}

const MEMO_ENTRIES = 50_000;
const memo = new Map<string, ReceiptMemo>();

function memoFor(secret: string): ReceiptMemo {
  let ids = memo.get(secret);
  if (!ids) memo.set(secret, (ids = new ReceiptMemo(MEMO_ENTRIES)));
  return ids;
}

/**
 * A bounded map that, when full, evicts an entry at random (the keys are also kept in an array, so
 * that is O(1)). Not oldest-first: licensees poll in turn, and when the receipts they ask for in one
 * round are even one more than fit, oldest-first eviction drops each just before it is asked for
 * again, so nothing is ever found (1,000 tokens on a 50-item feed are 50,000 receipts). At random, a
 * round one more than fit finds nearly all of them, and one twice the memo's size about a fifth.
 */
export class ReceiptMemo {
  readonly #byText = new Map<string, { readonly id: Promise<string>; at: number }>();
  readonly #texts: string[] = [];

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError('a receipt memo holds at least one entry');
  }

  get size(): number {
    return this.#texts.length;
  }

  get(text: string): Promise<string> | undefined {
    return this.#byText.get(text)?.id;
  }

  set(text: string, id: Promise<string>): void {
    this.delete(text);
    if (this.#texts.length >= this.maxEntries) this.#removeAt(Math.floor(Math.random() * this.#texts.length));
    this.#byText.set(text, { id, at: this.#texts.length });
    this.#texts.push(text);
  }

  /** Forgets `text`; with `id`, only while that is still its entry (a failed signature must not drop a newer one). */
  delete(text: string, id?: Promise<string>): void {
    const entry = this.#byText.get(text);
    if (entry && (id === undefined || entry.id === id)) this.#removeAt(entry.at);
  }

  /** Swaps the last key into the hole. */
  #removeAt(at: number): void {
    const text = this.#texts[at]!;
    const last = this.#texts.pop()!;
    this.#byText.delete(text);
    if (at < this.#texts.length) {
      this.#texts[at] = last;
      this.#byText.get(last)!.at = at;
    }
  }
}

async function sign(secret: string, text: string): Promise<string> {
  const message = encoder.encode(text);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), message));
  let hex = '';
  for (const byte of mac.subarray(0, 12)) hex += byte.toString(16).padStart(2, '0');
  return `wg-${hex}`;
}
