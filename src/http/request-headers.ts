// What the Node entry knows of a request beyond the Fetch Request: the socket's own parsed header
// lines and its peer address. @hono/node-server hands us a Request that builds a full Fetch Request
// (and Headers) the first time its headers are read, about 30 µs, paid by every request for the one
// Authorization lookup; reading the socket's raw lines instead costs a short scan. The facts ride on
// the request under a symbol (one property store, cheaper than a WeakMap entry per request).
// Elsewhere (Workers, tests) there are none and the Request's own headers are used.

const FACTS = Symbol('wiregate.socket');

export interface SocketFacts {
  /** The field's value (repeated fields joined with ", "), or null; `name` in lower case. */
  header(name: string): string | null;
  /** The peer address, '' when the socket had none. */
  readonly address: string;
}

type WithFacts = Request & { [FACTS]?: SocketFacts };

export function rememberSocketFacts(request: Request, facts: SocketFacts): void {
  (request as WithFacts)[FACTS] = facts;
}

export function socketFacts(request: Request): SocketFacts | undefined {
  return (request as WithFacts)[FACTS];
}

/** The field's value (repeated fields joined with ", "), or null; `name` in lower case. */
export function headerOf(request: Request, name: string): string | null {
  const facts = (request as WithFacts)[FACTS];
  return facts ? facts.header(name) : request.headers.get(name);
}

/**
 * A header lookup over Node's raw lines ([name, value, name, value, …], names as sent): a
 * case-insensitive scan, with no object built per request.
 */
export function rawHeaderReader(raw: readonly string[]): (name: string) => string | null {
  return (name) => {
    let found: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const field = raw[i]!;
      if (field.length !== name.length || (field !== name && field.toLowerCase() !== name)) continue;
      found = found === null ? raw[i + 1]! : `${found}, ${raw[i + 1]!}`;
    }
    return found;
  };
}
