// Request bodies for the operator API: one media type per route, at most 1 MB, read with a bound.

import { readBounded } from '../bounded-read.ts';
import { Problem } from '../problem.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

/** The body's bytes when its media type is one of `types`; 415 otherwise, 413 past the bound. */
export async function readBody(request: Request, types: readonly string[]): Promise<{ type: string; bytes: Uint8Array }> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(type)) {
    throw new Problem('unsupported_media_type', { detail: `Send the body as ${types.join(' or ')}.` });
  }
  const bytes = await readBounded(request.headers, request.body, MAX_BODY_BYTES);
  if (!bytes) throw tooLarge();
  return { type, bytes };
}

function tooLarge(): Problem {
  return new Problem('payload_too_large', { detail: `The body is larger than ${MAX_BODY_BYTES} bytes.` });
}

/** A JSON object body; 422 naming "(body)" when it is not one. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const { bytes } = await readBody(request, ['application/json']);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    throw new Problem('invalid_field', { detail: '(body): is not valid UTF-8 JSON.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Problem('invalid_field', { detail: '(body): must be a JSON object.' });
  }
  return value as Record<string, unknown>;
}

/** A required non-empty string member (at most `max` characters); 422 naming it otherwise. */
export function stringField(body: Record<string, unknown>, field: string, max = 2_000): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new Problem('invalid_field', { detail: `${field}: must be a non-empty string of at most ${max} characters.` });
  }
  return value;
}
