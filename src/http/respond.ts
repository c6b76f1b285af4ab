// Representations with the caching headers of SPEC §7: validators, 304s, public vs private.

import type { Context } from 'hono';
import type { Decision } from '../access/decide.ts';
import type { Settings } from '../settings.ts';
import type { DeliveredItem } from '../store/ledger.ts';
import { partsApart, type Parts } from './request-headers.ts';

/** How a rendered representation goes out to one request: the per-request half of SPEC §7. */
export interface Delivery {
  readonly decision: Decision;
  readonly vary?: string;
  /** Overrides the public max-age (capped by the next embargo release). */
  readonly maxAge?: number;
  /** Further headers that describe the representation (e.g. TDMRep). */
  readonly headers?: Readonly<Record<string, string>>;
  /** When the decision was made (ms): a licensed answer is kept from then (http/kept-answers.ts). */
  readonly at?: number;
  /** The credential's own bookkeeping of a use (a feed key's sharing watch), around the ledger's count. */
  readonly use?: CredentialUse;
}

/**
 * What a credential records of its use, in two steps so that a refused request records nothing:
 * `check` before a licensed delivery is counted (it may refuse), `record` once the ledger admitted it.
 */
export interface CredentialUse {
  check(): Promise<void>;
  record(): Promise<void>;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. TextEncoder always returns a view of a fresh ArrayBuffer; Workers' types say less. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** A strong validator from the exact bytes, so any change to a representation changes it. */
export async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let b64 = '';
  for (const byte of digest.subarray(0, 16)) b64 += String.fromCharCode(byte);
  return `"${btoa(b64).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}"`;
}

/** A representation encoded and validated once; what the render cache holds. */
export interface Rendered {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly etag: string;
  readonly type: string;
  readonly lastModified: string;
  /** `lastModified` as an HTTP date, formatted once. */
  readonly httpDate: string;
  /** For licensed copies: each story the body carries, with its receipt, for the usage ledger. */
  readonly items?: readonly DeliveredItem[];
  /** A copy filled from a receipt template: the bytes in parts (receipts as ASCII strings), `bytes` joined on first use. */
  readonly parts?: Parts | undefined;
}

export async function rendered(body: string, type: string, lastModified: string): Promise<Rendered> {
  // Encode once, here: the bytes hashed are the bytes sent, and an unpaired surrogate becomes
  // U+FFFD on every runtime (workerd would otherwise send it as invalid UTF-8).
  const bytes = utf8(body);
  return { bytes, etag: await etagOf(bytes), type, lastModified, httpDate: new Date(lastModified).toUTCString() };
}

export function deliver(c: Context, settings: Settings, r: Rendered, d: Delivery): Response {
  // A plain object, not Headers: the Node adapter writes it straight out (no Headers round trip).
  const headers: Record<string, string> = {
    ...settings.responseHeaders,
    'Content-Type': r.type,
    'Cache-Control': cacheControl(d.decision, d.maxAge ?? settings.publicMaxAge),
    Vary: d.vary ? `Authorization, ${d.vary}` : 'Authorization',
    ETag: r.etag,
    'Last-Modified': r.httpDate,
    ...d.headers,
  };
  if (notModified(c.req.raw.headers, r.etag, r.lastModified)) {
    delete headers['Content-Type'];
    return new Response(null, { status: 304, headers });
  }
  // A runtime that can send the parts apart gets them beside an empty body (http/request-headers.ts).
  return partsApart(c.req.raw, r.parts, headers) ?? new Response(r.bytes, { status: 200, headers });
}

export function cacheControl(decision: Decision, maxAge: number): string {
  return decision.tier === 'licensed' ? 'private, no-store' : `public, max-age=${maxAge}`;
}

/** RFC 9110 §13.1: If-None-Match wins over If-Modified-Since; weak comparison for 304. */
function notModified(headers: Headers, etag: string, lastModified: string): boolean {
  const inm = headers.get('if-none-match');
  if (inm !== null) {
    if (inm.trim() === '*') return true;
    const bare = etag.replace(/^W\//, '');
    return inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
  }
  const ims = headers.get('if-modified-since');
  if (ims === null) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(Date.parse(lastModified) / 1000) <= Math.floor(since / 1000);
}
