// Finds the one credential a request carries (SPEC §3): Authorization only, Bearer or License.

import { Problem } from '../http/problem.ts';

export type Scheme = 'Bearer' | 'License';

export interface Credential {
  readonly scheme: Scheme;
  readonly token: string;
}

/** Query parameters that would carry a token (RFC 6750 §2.3), which we refuse. */
const QUERY_TOKEN_PARAMS = ['access_token', 'token', 'jwt', 'license_token'];

/** Reads the credential, or null for an anonymous request; throws a Problem for anything ambiguous. */
export function readCredential(request: Request): Credential | null {
  const header = request.headers.get('authorization');
  const scheme = schemeOf(header);
  // Only a URL with a query can carry a token there; most requests skip parsing it.
  const query = request.url.indexOf('?');
  if (query !== -1) {
    for (const name of new URLSearchParams(request.url.slice(query + 1).split('#')[0]).keys()) {
      if (QUERY_TOKEN_PARAMS.includes(name.toLowerCase())) {
        throw new Problem('token_in_query', { detail: 'Send the license token in the Authorization header, not the URL.', scheme });
      }
    }
  }
  if (header === null) return null;
  // Headers joins repeated fields with ", "; a second credential shows up as a comma or a second scheme.
  const value = header.trim();
  const secondScheme = value.split(/\s+/).slice(1).some((word) => /^(Bearer|License|Basic|Token|Digest)$/i.test(word));
  if (value.includes(',') || secondScheme) {
    throw new Problem('multiple_credentials', { detail: 'Send exactly one credential.', scheme });
  }
  const match = /^(Bearer|License)(?:\s+(.*))?$/i.exec(value);
  if (!match) throw new Problem('unsupported_scheme', { detail: 'Use the Bearer or License scheme.', scheme });
  if (!match[2]) throw new Problem('invalid_request', { detail: 'The Authorization header holds no token.', scheme });
  // Whatever follows the scheme is the token; verification refuses anything that is not a compact JWS.
  return { scheme: scheme ?? 'Bearer', token: match[2] };
}

/** The scheme the client used, for the challenge we send back. */
export function schemeOf(header: string | null): Scheme | undefined {
  if (header === null) return undefined;
  return /^\s*License\b/i.test(header) ? 'License' : 'Bearer';
}
