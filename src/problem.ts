// The one error module: every refusal code with its status, title and challenge, the Problem that
// carries one, and its RFC 9457 members. HTTP responses are built from these in http/problem-response.ts.

import { problemUrl } from './render/view.ts';

/** The OAuth error a challenge carries (RFC 6750 §3.1), when the refusal concerns credentials. */
type ChallengeError = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'none';

export interface CodeSpec {
  readonly status: number;
  readonly title: string;
  readonly challenge?: ChallengeError;
}

/** Every refusal the gateway can give. Callers switch on these codes; statuses live only here. */
export const CODES = {
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  story_killed: { status: 410, title: 'Story killed' },
  story_withheld: { status: 410, title: 'Story withheld' },
  token_required: { status: 401, title: 'License token required', challenge: 'none' },
  invalid_request: { status: 400, title: 'Invalid request', challenge: 'invalid_request' },
  token_in_query: { status: 400, title: 'Token in the query string', challenge: 'invalid_request' },
  multiple_credentials: { status: 400, title: 'More than one credential', challenge: 'invalid_request' },
  unsupported_scheme: { status: 400, title: 'Unsupported authorization scheme', challenge: 'invalid_request' },
  token_malformed: { status: 401, title: 'Malformed token', challenge: 'invalid_token' },
  token_header_invalid: { status: 401, title: 'Token header not accepted', challenge: 'invalid_token' },
  token_key_unknown: { status: 401, title: 'Unknown signing key', challenge: 'invalid_token' },
  token_signature_invalid: { status: 401, title: 'Bad signature', challenge: 'invalid_token' },
  token_expired: { status: 401, title: 'Token expired', challenge: 'invalid_token' },
  token_not_yet_valid: { status: 401, title: 'Token not yet valid', challenge: 'invalid_token' },
  token_claims_invalid: { status: 401, title: 'Token claims not accepted', challenge: 'invalid_token' },
  token_lifetime_exceeded: { status: 401, title: 'Token lifetime too long', challenge: 'invalid_token' },
  token_revoked: { status: 401, title: 'Token revoked', challenge: 'invalid_token' },
  licensee_unknown: { status: 401, title: 'Unknown licensee', challenge: 'invalid_token' },
  licensee_suspended: { status: 401, title: 'Licensee suspended', challenge: 'invalid_token' },
  feed_not_licensed: { status: 403, title: 'Feed not licensed', challenge: 'insufficient_scope' },
  territory_not_licensed: { status: 403, title: 'Territory not licensed', challenge: 'insufficient_scope' },
  license_not_yet_valid: { status: 403, title: 'License not yet valid', challenge: 'insufficient_scope' },
  license_expired: { status: 403, title: 'License expired', challenge: 'insufficient_scope' },
  feed_key_unknown: { status: 404, title: 'Unknown feed key' },
  feed_key_revoked: { status: 410, title: 'Feed key revoked' },
  feed_key_expired: { status: 410, title: 'Feed key expired' },
  feed_key_shared: { status: 410, title: 'Feed key suspended for sharing' },
  feed_key_licensee_suspended: { status: 403, title: 'Licensee suspended' },
  origin_refused: { status: 403, title: 'Cross-origin request refused' },
  keys_unavailable: { status: 503, title: 'Signing keys unavailable' },
  receipts_unavailable: { status: 503, title: 'Receipts unavailable' },
  store_unavailable: { status: 503, title: 'Store unavailable' },
  grant_missing: { status: 403, title: 'Operator grant missing', challenge: 'insufficient_scope' },
  conflict: { status: 409, title: 'Conflict' },
  quota_exceeded: { status: 429, title: 'Quota exceeded' },
  invalid_field: { status: 422, title: 'Invalid field' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, CodeSpec>;

export type ProblemCode = keyof typeof CODES;

export interface ProblemOptions {
  /** Safe, fixed text: never a token, key or story text. */
  readonly detail?: string;
  /** The scheme the request used, for the challenge (SPEC §4). */
  readonly scheme?: 'Bearer' | 'License' | undefined;
  readonly retryAfter?: number | undefined;
  readonly allow?: string;
  /** Further headers the refusal carries (RateLimit on a 429). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The refusal stands in for an error nobody expected: the same request may be judged otherwise next time. */
  readonly unexpected?: true;
}

/** A refusal that carries everything needed to answer; thrown anywhere, answered by onError. */
export class Problem extends Error {
  override readonly name = 'Problem';
  readonly code: ProblemCode;
  readonly options: ProblemOptions;

  constructor(code: ProblemCode, options: ProblemOptions = {}) {
    // A refusal is an answer, not a fault: no stack trace. Capturing one costs more than the
    // rest of a refused request (V8 and workerd honour stackTraceLimit; elsewhere it is a no-op).
    const E = Error as { stackTraceLimit?: number | undefined };
    const limit = E.stackTraceLimit;
    E.stackTraceLimit = 0;
    super(code);
    E.stackTraceLimit = limit;
    this.code = code;
    this.options = options;
  }

  get status(): number {
    return CODES[this.code].status;
  }
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
}

/** The RFC 9457 members; an HTML error page shows the same ones. */
export function problemBody(problem: Problem, baseUrl: string): ProblemBody {
  const spec: CodeSpec = CODES[problem.code];
  return {
    type: problemUrl(baseUrl, problem.code),
    title: spec.title,
    status: spec.status,
    detail: problem.options.detail ?? spec.title,
    code: problem.code,
  };
}
