// The verification policy of SPEC §3: one wrapper over jose.jwtVerify with every option set.

import { decodeProtectedHeader, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { Problem, type ProblemCode } from '../problem.ts';
import type { Settings } from '../settings.ts';
import type { KeySource } from './keys.ts';

/** License tokens (SPEC §3) and operator tokens (SPEC §10) differ in `typ`, lifetime and key set. */
export type TokenKind = 'license' | 'operator';
const OPERATOR_MAX_SECONDS = 30 * 86_400;

export interface VerifiedToken {
  readonly kind: TokenKind;
  /** The issuer (always the configured one: jose checked it); receipts bind it. */
  readonly iss: string;
  readonly sub: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /** Feed ids from `scope` ("feed:<id>"); "*" for all feeds. */
  readonly feeds: ReadonlySet<string>;
  /** The same feeds sorted and joined: a cache key made once per token, not per request. */
  readonly feedsKey: string;
  /** How a licensee's credential reached us when it was not a license token in a header (ledger credential kind). */
  readonly via?: 'feed-key' | 'session';
  /** Every scope entry: feeds for a license token, grants for an operator token. */
  readonly scope: ReadonlySet<string>;
}

/** Longest token we look at; real license tokens are well under 1 KiB. */
const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{40,}$/;
/** Header members that would let the token choose its own key; we never use them, so refuse them. */
const KEY_CARRYING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
const CLOCK_TOLERANCE_S = 60;

/** Cheap shape check first: nothing is decoded, cached or verified for garbage. */
export function checkShape(token: string): void {
  if (!hasTokenShape(token)) throw new Problem('token_malformed', { detail: 'The token is not a compact JWS.' });
}

/** Whether checkShape lets `token` through: every value it refuses gets the same refusal. */
export function hasTokenShape(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token);
}

/**
 * Header rules that need no key, checked before any cache but the verified tokens' (a hit there passed
 * them): a token with an algorithm we never accept (none, HS256, …), a key-carrying header or no kid is
 * refused without being remembered, so a flood of such tokens costs one small decode each and cannot
 * touch the caches.
 */
export function checkHeader(token: string, settings: Settings): void {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Problem('token_malformed', { detail: 'The token could not be parsed.' });
  }
  if (typeof header.alg !== 'string' || !settings.algorithms.includes(header.alg)) {
    throw new Problem('token_header_invalid', { detail: 'The token header (alg, typ or crit) is not accepted.' });
  }
  keyRules(header);
}

export async function verifyToken(token: string, keys: KeySource, settings: Settings, now: number, kind: TokenKind = 'license'): Promise<VerifiedToken> {
  const maxSeconds = kind === 'operator' ? OPERATOR_MAX_SECONDS : settings.maxTokenSeconds;
  checkShape(token);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, guardedKeys(keys), {
      algorithms: [...settings.algorithms],
      typ: kind === 'operator' ? 'operator+jwt' : 'license+jwt',
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_S,
      maxTokenAge: maxSeconds,
      currentDate: new Date(now),
    }));
  } catch (err) {
    throw err instanceof Problem ? err : new Problem(codeFor(err), { detail: detailFor(err) });
  }
  return claimsOf(payload, settings.issuer, maxSeconds, kind);
}

function guardedKeys(keys: KeySource): KeySource {
  return (header: JWTHeaderParameters, token) => {
    keyRules(header);
    return keys(header, token);
  };
}

function keyRules(header: object & { kid?: unknown }): void {
  if (KEY_CARRYING_HEADERS.some((m) => m in header)) {
    throw new Problem('token_header_invalid', { detail: 'Tokens that carry or point to their own key are not accepted.' });
  }
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new Problem('token_header_invalid', { detail: 'The token header must name a key with "kid".' });
  }
}

function claimsOf(payload: JWTPayload, issuer: string, maxSeconds: number, kind: TokenKind): VerifiedToken {
  const { iss, sub, jti, iat, exp } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof jti !== 'string' || jti === '' || jti.length > 256) {
    throw new Problem('token_claims_invalid', { detail: 'The sub and jti claims must be non-empty strings.' });
  }
  if (typeof iat !== 'number' || typeof exp !== 'number' || !Number.isFinite(exp) || !Number.isFinite(iat)) {
    throw new Problem('token_claims_invalid', { detail: 'The iat and exp claims must be numbers.' });
  }
  if (exp - iat > maxSeconds) {
    throw new Problem('token_lifetime_exceeded', { detail: 'The token lives longer than the maximum lifetime.' });
  }
  const scope = payload['scope'];
  if (scope !== undefined && typeof scope !== 'string') {
    throw new Problem('token_claims_invalid', { detail: 'The scope claim must be a space-separated string.' });
  }
  const feeds = new Set<string>();
  const entries = new Set((scope ?? '').split(' ').filter(Boolean));
  for (const entry of entries) {
    if (entry.startsWith('feed:') && entry.length > 5) feeds.add(entry.slice(5));
  }
  return { kind, iss: iss ?? issuer, sub, jti, iat, exp, feeds, feedsKey: [...feeds].sort().join(','), scope: entries };
}

/** jose's errors by their stable `code` (jose's errors.ts), never by class. */
function codeFor(err: unknown): ProblemCode {
  if (!(err instanceof errors.JOSEError)) return 'token_malformed';
  const claim = (err as { claim?: string }).claim;
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return claim === 'exp' ? 'token_expired' : 'token_lifetime_exceeded';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf' || (claim === 'iat' && (err as { reason?: string }).reason === 'check_failed')) return 'token_not_yet_valid';
      return claim === 'typ' ? 'token_header_invalid' : 'token_claims_invalid';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token_signature_invalid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'token_header_invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'token_key_unknown';
    default:
      return 'token_malformed';
  }
}

/** Fixed texts per code: jose's own messages can quote claim values, so they are never passed on. */
function detailFor(err: unknown): string {
  switch (codeFor(err)) {
    case 'token_expired':
      return 'The token has expired.';
    case 'token_not_yet_valid':
      return 'The token is not valid yet.';
    case 'token_lifetime_exceeded':
      return 'The token was issued too long ago.';
    case 'token_signature_invalid':
      return 'The token signature does not verify.';
    case 'token_header_invalid':
      return 'The token header (alg, typ or crit) is not accepted.';
    case 'token_key_unknown':
      return "The token names a signing key (kid) that is not in this gateway's trusted key set: only tokens signed by a key whose public half the operator has published are accepted.";
    case 'token_claims_invalid': {
      const claim = err instanceof errors.JOSEError && err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? ((err as { claim?: string }).claim ?? '') : '';
      return ['iss', 'aud', 'exp', 'iat', 'jti', 'sub'].includes(claim)
        ? `The ${claim} claim is missing or not accepted.`
        : 'The token claims are not accepted.';
    }
    default:
      return 'The token could not be parsed.';
  }
}
