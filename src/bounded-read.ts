// Reading a body with a byte limit, for request bodies and fetched documents alike: the declared
// length is checked first, then the stream as it arrives, so nothing is buffered past the limit.

/** The body's bytes, or null when it is (or says it is) larger than `limit`; the stream is then cancelled. */
export async function readBounded(headers: Headers, body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (Number(headers.get('content-length') ?? 0) > limit) {
    await body?.cancel();
    return null;
  }
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
