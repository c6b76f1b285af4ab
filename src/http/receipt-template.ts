// Licensed feeds differ between tokens only in their receipt ids. They are rendered once per
// (feed page, format, licensee, scope) with placeholders, and each token's copy is assembled
// from the pre-encoded parts and its receipts: no re-rendering, escaping or full-body hashing.

import type { DeliveredItem } from '../store/ledger.ts';
import type { Parts } from './request-headers.ts';
import { etagOf, utf8, type Rendered } from './respond.ts';

const encoder = new TextEncoder();

/**
 * Random per isolate, so no story text can spell a placeholder. Made on first use: Workers allow
 * no random values in global scope.
 */
let nonce: string | undefined;
let placeholders: RegExp | undefined;
function currentNonce(): string {
  nonce ??= Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  return nonce;
}

export function receiptPlaceholder(index: number): string {
  return `wg-@${currentNonce()}:${index}@`;
}

export interface ReceiptTemplate {
  readonly parts: readonly Uint8Array[];
  /** For each gap between parts, the index of the item whose receipt goes there. */
  readonly slots: readonly number[];
  readonly etag: string;
  readonly type: string;
  readonly lastModified: string;
  readonly httpDate: string;
  /** The story behind each placeholder index: a receipt is per (token, story, version). */
  readonly stories: readonly { readonly slug: string; readonly version: number }[];
}

export async function receiptTemplate(body: string, type: string, lastModified: string, stories: ReceiptTemplate['stories']): Promise<ReceiptTemplate> {
  const parts: Uint8Array[] = [];
  const slots: number[] = [];
  let last = 0;
  placeholders ??= new RegExp(`wg-@${currentNonce()}:(\\d+)@`, 'g');
  for (const match of body.matchAll(placeholders)) {
    parts.push(encoder.encode(body.slice(last, match.index)));
    slots.push(Number(match[1]));
    last = match.index + match[0].length;
  }
  parts.push(encoder.encode(body.slice(last)));
  // The validator without the nonce: the same template gets the same tag in every isolate and after a
  // restart, so a licensee's If-None-Match still matches there. No feed holds a raw NUL (the XML writers
  // drop it, JSON.stringify escapes it), so the marks cannot meet text.
  const stable = body.replace(placeholders, (_placeholder, index: string) => `\u0000${index}\u0000`);
  return { parts, slots, etag: await etagOf(utf8(stable)), type, lastModified, httpDate: new Date(lastModified).toUTCString(), stories };
}

/** From this size a copy is sent in parts (see fillTemplate); smaller ones are joined at once. */
export const APART_FROM = 64 * 1024;

/**
 * One token's copy: the template's parts with its receipts in the slots. A large copy keeps them apart,
 * to go out as they are where the runtime can send them so (Node: one write of them all, no copy of the
 * page per token), and `bytes` joins them on first use elsewhere. A small one carries no parts and is
 * sent and kept joined: whole, it costs less to send than in parts, and takes little room.
 */
export function fillTemplate(t: ReceiptTemplate, items: readonly DeliveredItem[]): Rendered {
  const parts: Parts[number][] = [];
  let size = 0;
  for (let i = 0; i < t.parts.length; i++) {
    parts.push(t.parts[i]!);
    const slot = t.slots[i];
    if (slot !== undefined) parts.push(items[slot]?.receipt ?? '');
  }
  for (const part of parts) size += part.length; // bytes: the receipts are ASCII
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  // The template's type and dates, and its slots and stories too (harmless beside them); not its parts.
  return {
    ...t,
    parts: size < APART_FROM ? undefined : parts,
    get bytes() {
      return (bytes ??= joined(parts));
    },
    etag: filledEtag(t.etag, items),
    items,
  };
}

/**
 * The parts in one buffer, receipts ("wg-" and hex) written byte by byte (a TextEncoder call per
 * receipt cost more than the whole copy): one that is not ASCII is refused, not written wrongly. A body in
 * one piece is its own.
 */
export function joined(parts: Parts | Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (parts instanceof Uint8Array) return parts;
  let length = 0;
  for (const part of parts) length += typeof part === 'string' ? part.length : part.byteLength;
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (typeof part !== 'string') {
      bytes.set(part, at);
      at += part.byteLength;
      continue;
    }
    for (let i = 0; i < part.length; i++) {
      const code = part.charCodeAt(i);
      if (code > 0x7f) throw new Error('a receipt id is ASCII');
      bytes[at++] = code;
    }
  }
  return bytes;
}

/**
 * The copy's validator: the template's, and a 64-bit hash of the receipts. The bytes are a function of
 * (template, receipts), so this changes whenever they do, as one over the bytes would; and it needs no
 * digest of the whole copy (on Node a digest is a thread-pool job, the dearest step of a copy).
 * The receipts are HMAC output, nobody's chosen text, so a fast non-cryptographic hash suffices.
 */
export function filledEtag(templateEtag: string, receipts: readonly { readonly receipt: string }[]): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (const { receipt } of receipts) {
    for (let i = 0; i < receipt.length; i++) {
      const code = receipt.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ 0x0a, 0x01000193); // a separator, so no two lists run together
    b = Math.imul(b ^ 0x0a, 0x5bd1e995);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `${templateEtag.slice(0, -1)}-${hex(a)}${hex(b)}"`;
}
