// Finds the one credential a request carries (SPEC §3): Authorization only, Bearer or License.

import { headerOf } from '../http/request-headers.ts';
import { Problem } from '../problem.ts';

export type Scheme = 'Bearer' | 'License';

export interface Credential {
  readonly scheme: Scheme;
  readonly token: string;
}

/**
 * Parameter names that would carry a token (RFC 6750 §2.3), which we refuse, compared after folding
 * case and dropping array brackets and every non-letter: `Access_Token[]`, `access-token`,
 * `access_token%00` and `jwt[x]` are the same name to frameworks that might read them downstream.
 */
const TOKEN_PARAMS: ReadonlySet<string> = new Set(['accesstoken', 'token', 'jwt', 'licensetoken']);

function isTokenParam(name: string): boolean {
  // Every `;`-separated piece counts: `amp;access_token` (an HTML-escaped `&`), `x;access_token`.
  return name.split(';').some((piece) =>
    TOKEN_PARAMS.has(
      piece
        .replace(/\[[\s\S]*$/, '')
        .toLowerCase()
        .replace(/[^a-z]/g, ''),
    ),
  );
}

/** A token-like parameter in the query or as a `;name=value` path parameter (RFC 3986 §3.3), also %-encoded. */
function carriesTokenInUrl(url: string): boolean {
  const query = url.indexOf('?');
  // Only a URL with a query or a `;` can carry a token there; most requests skip parsing it.
  if (query !== -1) {
    for (const name of new URLSearchParams(url.slice(query + 1).split('#')[0]).keys()) if (isTokenParam(name)) return true;
  }
  const path = query === -1 ? url : url.slice(0, query);
  if (!/;|%3b/i.test(path)) return false;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // a malformed escape: judge the raw path
  }
  return decoded.split('/').some((segment) =>
    segment
      .split(';')
      .slice(1)
      .some((param) => isTokenParam(param.split('=')[0] ?? '')),
  );
}

/** The refusal for a token in the URL, or null; also asked for paths no route serves (they get 400, not 404). */
export function tokenInUrlProblem(request: Request): Problem | null {
  if (!carriesTokenInUrl(request.url)) return null;
  return new Problem('token_in_query', {
    detail: 'Send the license token in the Authorization header, not the URL.',
    scheme: schemeOf(headerOf(request, 'authorization')),
  });
}

/** Reads the credential, or null for an anonymous request; throws a Problem for anything ambiguous. */
export function readCredential(request: Request): Credential | null {
  const header = headerOf(request, 'authorization');
  const inUrl = tokenInUrlProblem(request);
  if (inUrl) throw inUrl;
  if (header === null) return null;
  const parsed = parseAuthorization(header);
  if ('code' in parsed) throw new Problem(parsed.code, { detail: parsed.detail, scheme: schemeOf(header) });
  return parsed;
}

/** Why an Authorization value holds no single credential. */
interface Unusable {
  readonly code: 'multiple_credentials' | 'unsupported_scheme' | 'invalid_request';
  readonly detail: string;
}

/**
 * A scheme's name as a word after the first (a word: a run without whitespace, as `split(/\s+/)` cuts
 * them). One test, no array of words: garbage refusals parse every value (`npm run bench`).
 */
const SECOND_SCHEME = /\s(?:Bearer|License|Basic|Token|Digest)(?=\s|$)/i;

/** The one credential in an Authorization value, or why there is none (readCredential refuses with it). */
export function parseAuthorization(header: string): Credential | Unusable {
  // Headers joins repeated fields with ", "; a second credential shows up as a comma or a second scheme.
  const value = header.trim();
  if (value.includes(',') || SECOND_SCHEME.test(value)) return { code: 'multiple_credentials', detail: 'Send exactly one credential.' };
  const match = /^(Bearer|License)(?:\s+(.*))?$/i.exec(value);
  if (!match) return { code: 'unsupported_scheme', detail: 'Use the Bearer or License scheme.' };
  if (!match[2]) return { code: 'invalid_request', detail: 'The Authorization header holds no token.' };
  // Whatever follows the scheme is the token; verification refuses anything that is not a compact JWS.
  return { scheme: match[1]!.toLowerCase() === 'license' ? 'License' : 'Bearer', token: match[2] };
}

/** The scheme the client used, for the challenge we send back. */
export function schemeOf(header: string | null): Scheme | undefined {
  if (header === null) return undefined;
  return /^\s*License\b/i.test(header) ? 'License' : 'Bearer';
}
