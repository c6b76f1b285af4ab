// Request header reads on the hot path. On Node, @hono/node-server hands us a Request that builds a
// full Fetch Request (and Headers) the first time its headers are read: about 30 µs, paid by every
// request for the one Authorization lookup. The Node entry registers the socket's own parsed headers
// here instead (all values of a repeated field, joined as Fetch does); elsewhere the Request's are used.

const readers = new WeakMap<Request, (name: string) => string | null>();

export function rememberHeaderReader(request: Request, read: (name: string) => string | null): void {
  readers.set(request, read);
}

/** The field's value (repeated fields joined with ", "), or null; `name` in lower case. */
export function headerOf(request: Request, name: string): string | null {
  const read = readers.get(request);
  return read ? read(name) : request.headers.get(name);
}
