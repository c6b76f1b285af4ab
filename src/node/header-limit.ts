// Node drops header fields past server.maxHeadersCount without a word; a request that hit the limit is refused.

import type { HttpBindings, Http2Bindings } from '@hono/node-server';
import { Problem } from '../problem.ts';
import { problemResponse } from '../http/problem-response.ts';
import type { Settings } from '../settings.ts';

/**
 * Node's default. At this many fields the request may have lost some (a second Authorization line
 * among them, so `Bearer <valid>` + 2,100 fillers + `Basic abc` would be judged as one credential),
 * so it is refused rather than judged on what is left; no real client sends that many.
 */
export const MAX_HEADERS = 2_000;

/** A 400 problem response when the request reached the header-count limit, else null. */
export function truncatedHeaders(env: HttpBindings | Http2Bindings, settings: Settings): Response | null {
  // rawHeaders is [name, value, name, value, …], cut at maxHeadersCount pairs.
  if (env.incoming.rawHeaders.length / 2 < MAX_HEADERS) return null;
  const problem = new Problem('invalid_request', { detail: 'The request has too many header fields.' });
  return problemResponse(problem, settings.publicUrl, settings.responseHeaders);
}
