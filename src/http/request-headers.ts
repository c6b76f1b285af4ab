// What the Node entry knows of a request beyond the Fetch Request: the socket's own parsed header
// lines and its peer address. @hono/node-server hands us a Request that builds a full Fetch Request
// (and Headers) the first time its headers are read, about 30 µs, paid by every request for the one
// Authorization lookup; reading the socket's raw lines instead costs a short scan. The Node entry puts
// its incoming message itself on the request under a symbol (one property store: nothing is made per
// request; a closure and a facts object each cost more, and more so in a process whose heap large feeds
// have grown), and installs once the reader that knows that object (src/node/socket-reader.ts), so the
// Worker bundle carries none of it. Elsewhere (Workers, tests) there is none and the Request's own
// headers are used.

const FACTS = Symbol('wiregate.socket');
const PARTS = Symbol('wiregate.parts');

/** How the Node entry reads what it put on a request. */
export interface SocketReader<Facts extends object> {
  /** The field's value (repeated fields joined with ", "), or null; `name` in lower case. */
  header(facts: Facts, name: string): string | null;
  /** The peer address, '' when the socket had none. */
  address(facts: Facts): string;
}

type WithFacts = Request & { [FACTS]?: object };

let reader: SocketReader<object> | undefined;

/** Installs the reader for every request given facts from now on (the Node entry, once). */
export function readSocketsWith<Facts extends object>(r: SocketReader<Facts>): void {
  reader = r as SocketReader<object>;
}

export function rememberSocketFacts(request: Request, facts: object): void {
  (request as WithFacts)[FACTS] = facts;
}

/** The socket's peer address ('' when it had none), or undefined when the request came without socket facts (not Node). */
export function socketAddress(request: Request): string | undefined {
  const facts = (request as WithFacts)[FACTS];
  return facts && reader ? reader.address(facts) : undefined;
}

/** The field's value (repeated fields joined with ", "), or null; `name` in lower case. */
export function headerOf(request: Request, name: string): string | null {
  const facts = (request as WithFacts)[FACTS];
  return facts && reader ? reader.header(facts, name) : request.headers.get(name);
}

/** A body in parts: pre-encoded bytes, and ASCII strings (receipt ids). */
export type Parts = readonly (Uint8Array | string)[];

/**
 * A 200 with `headers` and no body, carrying `parts` for the Node entry to send in one write (a
 * licensed feed copy is its template's parts and its receipts: joined, a 300 KB copy per request);
 * undefined for a body in one piece, and where no socket would send parts (Workers, tests): then the
 * joined bytes go out.
 */
export function partsApart(request: Request, parts: Parts | Uint8Array | undefined, headers: Record<string, string>): Response | undefined {
  if (!Array.isArray(parts) || !(request as WithFacts)[FACTS]) return undefined;
  const response = new Response(null, { headers }) as Response & { [PARTS]?: Parts };
  response[PARTS] = parts as Parts;
  return response;
}

/** The parts a response carries instead of its body (see partsApart). */
export function partsOf(response: Response): Parts | undefined {
  return (response as Response & { [PARTS]?: Parts })[PARTS];
}
