// Licensed feeds differ between tokens only in their receipt ids. They are rendered once per
// (feed page, format, licensee, scope) with placeholders, and each token's copy is assembled
// from the pre-encoded parts and its receipts: no re-rendering, escaping or full-body hashing.

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
  return { parts, slots, etag: await etagOf(utf8(body)), type, lastModified, stories };
}

/** One token's copy: the template with its receipts (ASCII) in the slots. */
export async function fillTemplate(t: ReceiptTemplate, receipts: readonly string[]): Promise<Rendered> {
  const filled = t.slots.map((slot) => encoder.encode(receipts[slot] ?? ''));
  let length = 0;
  for (const part of t.parts) length += part.byteLength;
  for (const r of filled) length += r.byteLength;
  const bytes = new Uint8Array(length);
  let at = 0;
  t.parts.forEach((part, i) => {
    bytes.set(part, at);
    at += part.byteLength;
    const r = filled[i];
    if (r) {
      bytes.set(r, at);
      at += r.byteLength;
    }
  });
  // The bytes are a function of (template, receipts), so a validator over both is as strong as one over the bytes.
  const etag = await etagOf(utf8(`${t.etag}\n${receipts.join('\n')}`));
  return { bytes, etag, type: t.type, lastModified: t.lastModified, httpDate: new Date(t.lastModified).toUTCString() };
}
