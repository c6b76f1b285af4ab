// Receipt ids: an HMAC over (issuer, licensee, token id, story, version) that traces a copy to the token that fetched it.

const encoder = new TextEncoder();

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
  return remembered(memosFor(secret).ids, text, () => sign(secret, text));
}

/** A story version and the receipt of one holder's copy of it (what the ledger records per delivery). */
export interface Receipted {
  readonly slug: string;
  readonly version: number;
  readonly receipt: string;
}

/**
 * Each story of a list (a licensed feed page's) with one holder's receipt, in its order. `stories` must
 * not change once passed: the result is remembered by the list itself and the holder, so a partner
 * polling a 50-item page is answered with one lookup, not fifty lookups of fifty JSON keys (and no
 * signature, where the per-story memo had evicted some), and gets the same array every time. 1,000
 * tokens on a 50-item feed, every token seen before: 0.79 -> 0.92 of the ledger baseline (`npm run
 * bench`, four rounds).
 */
export function receiptedStories(
  secret: string,
  holder: ReceiptHolder,
  stories: readonly { readonly slug: string; readonly version: number }[],
): Promise<readonly Receipted[]> {
  let serial = serials.get(stories);
  if (serial === undefined) serials.set(stories, (serial = nextSerial++));
  const key = `${serial}\n${JSON.stringify([holder.iss, holder.sub, holder.jti])}`;
  // A list weighs its receipts: the memo holds at most 100,000 of them, whatever the page size.
  return remembered(
    memosFor(secret).lists,
    key,
    () => Promise.all(stories.map(async ({ slug, version }) => ({ slug, version, receipt: await receiptId(secret, holder, slug, version) }))),
    stories.length,
  );
}

/**
 * A number per story list. A re-rendered template is a new list: its old lists stay in the memo until
 * evicted at random, as any entry is, within the memo's bound.
 */
const serials = new WeakMap<object, number>();
let nextSerial = 0;

/**
 * Per secret: its HMAC key, receipts (a thousand tokens on a 50-item feed are 50,000), and lists of
 * them, bounded by the receipts they hold (about 66 bytes each with its string: 100,000 are about
 * 7 MB, two thousand holders' 50-item pages or five hundred 200-item ones).
 */
const memos = new Map<string, { key: Promise<CryptoKey>; ids: ReceiptMemo<Promise<string>>; lists: ReceiptMemo<Promise<readonly Receipted[]>> }>();

function memosFor(secret: string) {
  let m = memos.get(secret);
  if (!m) {
    const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    memos.set(secret, (m = { key, ids: new ReceiptMemo(50_000), lists: new ReceiptMemo(100_000) }));
  }
  return m;
}

/** `key`'s remembered value, or `make`'s, remembered (weighing `weight`) unless it fails. */
function remembered<T>(memo: ReceiptMemo<Promise<T>>, key: string, make: () => Promise<T>, weight?: number): Promise<T> {
  let value = memo.get(key);
  if (!value) {
    const made = make();
    memo.set(key, made, weight);
    made.catch(() => memo.delete(key, made));
    value = made;
  }
  return value;
}

/**
 * A bounded map that, when full, evicts an entry at random (the keys are also kept in an array, so
 * that is O(1)). Not oldest-first: licensees poll in turn, and when the receipts they ask for in one
 * round are even one more than fit, oldest-first eviction drops each just before it is asked for
 * again, so nothing is ever found (1,000 tokens on a 50-item feed are 50,000 receipts). At random, a
 * round one more than fit finds nearly all of them, and one twice the memo's size about a fifth.
 */
export class ReceiptMemo<V = Promise<string>> {
  readonly #byText = new Map<string, { readonly id: V; at: number; readonly weight: number }>();
  readonly #texts: string[] = [];
  #weight = 0;

  /** `maxWeight`: how much it holds, each entry weighing what `set` says (1 unless told). */
  constructor(readonly maxWeight: number) {}

  /** The weight held: the number of entries, when each weighs 1. */
  get size(): number {
    return this.#weight;
  }

  get(text: string): V | undefined {
    return this.#byText.get(text)?.id;
  }

  /** An entry heavier than the whole memo is not kept (nor anything, under a bound below 1). */
  set(text: string, id: V, weight = 1): void {
    this.delete(text);
    if (weight > this.maxWeight) return;
    while (this.#weight + weight > this.maxWeight) this.#removeAt(Math.floor(Math.random() * this.#texts.length));
    this.#byText.set(text, { id, at: this.#texts.length, weight });
    this.#texts.push(text);
    this.#weight += weight;
  }

  /** Forgets `text`; with `id`, only while that is still its entry (a failed signature must not drop a newer one). */
  delete(text: string, id?: V): void {
    const entry = this.#byText.get(text);
    if (entry && (id === undefined || entry.id === id)) this.#removeAt(entry.at);
  }

  /** Swaps the last key into the hole. */
  #removeAt(at: number): void {
    const text = this.#texts[at]!;
    const last = this.#texts.pop()!;
    this.#weight -= this.#byText.get(text)!.weight;
    this.#byText.delete(text);
    if (at < this.#texts.length) {
      this.#texts[at] = last;
      this.#byText.get(last)!.at = at;
    }
  }
}

async function sign(secret: string, text: string): Promise<string> {
  const message = encoder.encode(text);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await memosFor(secret).key, message));
  let hex = '';
  for (const byte of mac.subarray(0, 12)) hex += byte.toString(16).padStart(2, '0');
  return `wg-${hex}`;
}
