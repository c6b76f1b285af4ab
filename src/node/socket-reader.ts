// The Node side of src/http/request-headers.ts: the server puts each request's IncomingMessage on it,
// and this reads the two things the core asks of it, without building Fetch Headers or anything else
// per request.

import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';
import { readSocketsWith, rememberSocketFacts } from '../http/request-headers.ts';

const PEER = Symbol('wiregate.peer');
type Remembering = Socket & { [PEER]?: string };
/** What @hono/node-server hands the fetch handler as `env.incoming`. */
type Incoming = IncomingMessage | Http2ServerRequest;

/**
 * Puts the incoming message on the request, and reads the peer address now, once per connection (it is
 * remembered on the socket): read per request it costs a native call, and read late (after the awaits
 * of a feed-key lookup) a reset connection has none.
 */
export function rememberIncoming(request: Request, incoming: Incoming): void {
  const socket = incoming.socket as Remembering | null;
  if (socket) socket[PEER] ??= socket.remoteAddress ?? '';
  rememberSocketFacts(request, incoming);
}

/**
 * A header lookup over Node's raw lines ([name, value, name, value, …], names as sent): a
 * case-insensitive scan; repeated fields joined with ", ".
 */
function rawHeader(raw: readonly string[], name: string): string | null {
  let found: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const field = raw[i]!;
    if (field.length !== name.length || (field !== name && field.toLowerCase() !== name)) continue;
    found = found === null ? raw[i + 1]! : `${found}, ${raw[i + 1]!}`;
  }
  return found;
}

readSocketsWith<Incoming>({
  header: (incoming, name) => rawHeader(incoming.rawHeaders, name),
  address: (incoming) => (incoming.socket as Remembering | null)?.[PEER] ?? '',
});
