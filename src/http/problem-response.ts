// RFC 9457 problem responses built from a Problem: its challenge and headers, and the JSON body.

import { CODES, problemBody, type CodeSpec, type Problem } from '../problem.ts';

/** `common` are the headers every response carries (the license links). */
export function problemResponse(problem: Problem, baseUrl: string, common: Readonly<Record<string, string>>): Response {
  const body = problemBody(problem, baseUrl);
  return new Response(JSON.stringify(body), { status: body.status, headers: problemHeaders(problem, common, 'application/problem+json') });
}

/** Challenge, Retry-After and Allow as the refusal needs them, whatever the body's format. */
export function problemHeaders(problem: Problem, common: Readonly<Record<string, string>>, contentType: string): Record<string, string> {
  const spec: CodeSpec = CODES[problem.code];
  const { detail = spec.title, scheme = 'Bearer', retryAfter, allow } = problem.options;
  // A plain object, not Headers: the Node adapter writes it straight out.
  const headers: Record<string, string> = {
    ...common,
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
  };
  if (spec.challenge === 'none') {
    // RFC 6750 §3: a request that sent no credentials gets a challenge without an error code.
    headers['WWW-Authenticate'] = `${scheme} realm="wiregate"`;
  } else if (spec.challenge) {
    // Quoted-string values (RFC 9110 §11.2): strip anything that could break out of the quotes.
    const quoted = detail.replace(/["\\\r\n]/g, '');
    headers['WWW-Authenticate'] = `${scheme} realm="wiregate", error="${spec.challenge}", error_description="${quoted}"`;
  }
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  if (allow) headers['Allow'] = allow;
  if (problem.options.headers) Object.assign(headers, problem.options.headers);
  return headers;
}
