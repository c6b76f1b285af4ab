// The Node side of partsApart (src/http/request-headers.ts): a response that carries its body in parts
// (a large licensed feed copy: its template's pre-encoded parts and the token's receipts) is written
// here, head and parts in one corked write, so the page is never copied into one buffer per request.
// Every response of the Node entry passes through sendParts, so a copy in parts cannot leave unwritten.

import { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { joined } from '../http/receipt-template.ts';
import { partsOf } from '../http/request-headers.ts';

/** What @hono/node-server hands the fetch handler as `env.outgoing`. */
type Outgoing = ServerResponse | Http2ServerResponse;

/**
 * What tells @hono/node-server the response was written already: a body-less answer whose headers say
 * so (a plain object: its own Response, which the global one becomes once it serves, would write a
 * head again).
 */
const SENT = { status: 200, headers: { 'x-hono-already-sent': '1' }, body: null } as unknown as Response;

/** `response`, or, when it carries parts, the marker of a response this wrote itself. */
export function sendParts(response: Response, outgoing: Outgoing): Response {
  const parts = partsOf(response);
  if (!parts) return response;
  const headers: Record<string, string> = {};
  // No licensed copy sets a cookie: one value a name is all a header here holds.
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // The gateway serves HTTP/1.1 (startServer); anything else gets the copy joined, as Workers do.
  if (!(outgoing instanceof ServerResponse)) return new Response(joined(parts), { status: response.status, headers });
  let length = 0;
  // Strings (receipt ids, ASCII) as UTF-8, and counted so: the length is right whatever they hold.
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength;
  headers['content-length'] = String(length);
  try {
    outgoing.writeHead(response.status, headers);
    // Corked: the head and every part leave in one writev.
    outgoing.cork();
    for (const part of parts) outgoing.write(part);
    outgoing.end();
    outgoing.uncork();
  } catch (err) {
    // Whatever was written is cut off: the client sees a broken response, never a short one.
    outgoing.destroy(err instanceof Error ? err : undefined);
  }
  return SENT;
}
