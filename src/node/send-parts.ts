// The Node side of partsApart (src/http/request-headers.ts): a response that carries its body in parts
// (a licensed feed copy: its template's pre-encoded parts and the token's receipts) is written here,
// the parts in one corked write, so the page is never copied into one buffer per request.

import { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { partsOf } from '../http/request-headers.ts';

/** What @hono/node-server hands the fetch handler as `env.outgoing`. */
type Outgoing = ServerResponse | Http2ServerResponse;

/**
 * The Fetch Response before @hono/node-server replaces the global one with its own: its answer for a
 * body-less response marked as already sent is to write nothing (its own Response's would write the
 * head again).
 */
const NativeResponse = globalThis.Response;
const SENT = new NativeResponse(null, { headers: { 'x-hono-already-sent': '1' } });

/** `response`, or, when it carries parts, the marker of a response this wrote itself. */
export function sendParts(response: Response, outgoing: Outgoing): Response {
  const parts = partsOf(response);
  if (!parts) return response;
  // The gateway serves HTTP/1.1 (startServer): a response on anything else fails closed, with no copy.
  if (!(outgoing instanceof ServerResponse)) throw new Error('parts are sent on HTTP/1.1 only');
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let length = 0;
  // Strings (receipt ids, ASCII) as UTF-8, and counted so: the length is right whatever they hold.
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength;
  headers['content-length'] = String(length);
  outgoing.writeHead(response.status, headers);
  // Corked: the head and every part leave in one writev.
  outgoing.cork();
  for (const part of parts) outgoing.write(part);
  outgoing.end();
  outgoing.uncork();
  return SENT;
}
