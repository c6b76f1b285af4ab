// Token refusals (SPEC §3, §4): every way a credential can be wrong ends in a problem response
// that carries neither the token nor any story text; valid tokens get the licensed copy.

import { CompactSign } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { Bindings } from '../src/settings.ts';
import { bearer, BINDINGS, CONTENT_PATHS, FIRST, gateway, LATE, LICENSE_LINE, REVOKED_JTI, type Gateway, type TestKey } from './support/gateway.ts';

type Scheme = 'Bearer' | 'License';

const DAY = 86_400;
const RECEIPT = /wg-[0-9a-f]{24}/g;
const COUNTRY_BINDINGS: Bindings = { ...BINDINGS, WIREGATE_COUNTRY_HEADER: 'CF-IPCountry' };
const IN_WORKERD = typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers';

// ---- hand-crafted JWS ------------------------------------------------------------------------

const encoder = new TextEncoder();

function b64u(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64u(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims `gw.token()` would use, as a plain object for hand-built tokens. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowS();
  return {
    iss: 'wiregate-local',
    aud: 'wiregate',
    sub: 'demo-newsroom',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 3600,
    scope: 'feed:world',
    ...overrides,
  };
}

function header(key: TestKey, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { alg: key.alg, kid: key.kid, typ: 'license+jwt', ...overrides };
}

/** Signs exact payload bytes (so the JSON text is ours, e.g. `1e400`); any `crit` member is declared understood. */
async function signText(key: TestKey, protectedHeader: Record<string, unknown>, payloadText: string): Promise<string> {
  const crit = Array.isArray(protectedHeader['crit']) ? Object.fromEntries(protectedHeader['crit'].map((m: string) => [m, true])) : undefined;
  return new CompactSign(encoder.encode(payloadText)).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey, crit ? { crit } : undefined);
}

function unsigned(protectedHeader: Record<string, unknown>, payload: Record<string, unknown>, signature: string): string {
  return `${b64u(JSON.stringify(protectedHeader))}.${b64u(JSON.stringify(payload))}.${signature}`;
}

async function hs256(secret: Uint8Array<ArrayBuffer>, protectedHeader: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const input = `${b64u(JSON.stringify(protectedHeader))}.${b64u(JSON.stringify(payload))}`;
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return `${input}.${b64u(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input))))}`;
}

/** The secrets an attacker would try for HMAC-with-the-public-key: the JWK's JSON and its raw point. */
function publicKeySecrets(key: TestKey): [string, Uint8Array<ArrayBuffer>][] {
  const { kty, crv, x, y } = key.publicJwk as Record<string, string>;
  const xy = y ? new Uint8Array([...fromB64u(x!), ...fromB64u(y)]) : fromB64u(x!);
  return [
    ['JSON of the published JWK', encoder.encode(JSON.stringify(key.publicJwk))],
    ['JSON of the bare JWK', encoder.encode(JSON.stringify(y ? { crv, kty, x, y } : { crv, kty, x }))],
    ['raw x||y bytes', xy],
    ...(y ? ([['uncompressed 04||x||y point', new Uint8Array([4, ...xy])]] as [string, Uint8Array<ArrayBuffer>][]) : []),
  ];
}

/** The same ES256 signature respelled: (r, n - s) verifies just as (r, s) does. */
function highS(token: string): string {
  const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
  const [h, p, sig] = token.split('.') as [string, string, string];
  const raw = fromB64u(sig);
  const s = BigInt(`0x${[...raw.subarray(32)].map((b) => b.toString(16).padStart(2, '0')).join('')}`);
  const flipped = (n - s).toString(16).padStart(64, '0');
  const out = new Uint8Array(raw);
  for (let i = 0; i < 32; i++) out[32 + i] = parseInt(flipped.slice(2 * i, 2 * i + 2), 16);
  return `${h}.${p}.${b64u(out)}`;
}

function withPayload(token: string, change: (p: Record<string, unknown>) => void): string {
  const [h, p, sig] = token.split('.') as [string, string, string];
  const payload = JSON.parse(new TextDecoder().decode(fromB64u(p))) as Record<string, unknown>;
  change(payload);
  return `${h}.${b64u(JSON.stringify(payload))}.${sig}`;
}

// ---- the refusal table -------------------------------------------------------------------------

interface Refusal {
  readonly status: 400 | 401 | 403;
  readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** The stable `code`; a list where SPEC §3 allows either of two answers. */
  readonly code: string | readonly string[];
}

const INVALID = (code: string | readonly string[]): Refusal => ({ status: 401, error: 'invalid_token', code });
const SCOPE = (code: string): Refusal => ({ status: 403, error: 'insufficient_scope', code });
const BAD_REQUEST = (code: string): Refusal => ({ status: 400, error: 'invalid_request', code });

interface Attempt {
  readonly headers?: HeadersInit | undefined;
  readonly query?: string | undefined;
  readonly bindings?: Bindings | undefined;
  /** The scheme the challenge must use. */
  readonly scheme: Scheme;
  /** Credential strings that must never be echoed. */
  readonly secrets: readonly string[];
}

interface Case {
  readonly name: string;
  readonly attempt: (gw: Gateway) => Promise<Attempt>;
  readonly refusal: Refusal;
}

/** A bad token, tried with both schemes and a matching challenge for each. */
function tokenCases(
  name: string,
  make: (gw: Gateway) => Promise<string>,
  refusal: Refusal,
  bindings?: Bindings,
  extraHeaders?: Record<string, string>,
): Case[] {
  return (['Bearer', 'License'] as const).map((scheme) => ({
    name: `${name} (${scheme})`,
    refusal,
    attempt: async (gw) => {
      const token = await make(gw);
      return { headers: { Authorization: `${scheme} ${token}`, ...extraHeaders }, bindings, scheme, secrets: [token] };
    },
  }));
}

function requestCase(name: string, attempt: (gw: Gateway) => Promise<Attempt>, refusal: Refusal): Case {
  return { name, attempt, refusal };
}

const ALG_NONE: Case[] = ['none', 'None', 'NONE'].flatMap((alg) => [
  ...tokenCases(
    `alg ${alg}, empty signature`,
    async (gw) => unsigned({ alg, kid: gw.es256.kid, typ: 'license+jwt' }, claims(), ''),
    INVALID(['token_malformed', 'token_header_invalid']),
  ),
  ...tokenCases(
    `alg ${alg}, junk signature`,
    async (gw) => unsigned({ alg, kid: gw.es256.kid, typ: 'license+jwt' }, claims(), b64u('junk-signature-'.repeat(4))),
    INVALID('token_header_invalid'),
  ),
]);

const HMAC_CONFUSION: Case[] = (['es256', 'eddsa'] as const).flatMap((which) =>
  // The key list is only known once the gateway exists; index into it lazily.
  [0, 1, 2, 3].flatMap((i) =>
    tokenCases(
      `HS256 signed with the ${which} public key (secret #${i})`,
      async (gw) => {
        const secrets = publicKeySecrets(gw[which]);
        const [, secret] = secrets[Math.min(i, secrets.length - 1)]!;
        return hs256(secret, { alg: 'HS256', kid: gw[which].kid, typ: 'license+jwt' }, claims());
      },
      INVALID('token_header_invalid'),
    ),
  ),
);

const HEADER_CASES: Case[] = [
  ...tokenCases('unknown kid', (gw) => gw.token({}, { header: { kid: 'no-such-key' } }), INVALID('token_key_unknown')),
  ...tokenCases('missing kid', (gw) => gw.token({}, { header: { kid: undefined } }), INVALID('token_header_invalid')),
  ...tokenCases('empty kid', (gw) => gw.token({}, { header: { kid: '' } }), INVALID('token_header_invalid')),
  ...tokenCases(
    'alg Ed25519, not in the default allow-list',
    (gw) => gw.token({}, { key: gw.eddsa, header: { alg: 'Ed25519' } }),
    INVALID(['token_header_invalid', 'token_key_unknown']),
  ),
  ...tokenCases(
    'EdDSA alg naming the ES256 kid',
    (gw) => gw.token({}, { key: gw.eddsa, header: { kid: gw.es256.kid } }),
    INVALID(['token_key_unknown', 'token_signature_invalid']),
  ),
  ...tokenCases(
    'embedded jwk, untrusted key',
    (gw) => gw.token({}, { key: gw.untrusted, header: { jwk: strip(gw.untrusted.publicJwk) } }),
    INVALID('token_header_invalid'),
  ),
  ...tokenCases(
    'embedded jwk, untrusted key under a trusted kid',
    (gw) => gw.token({}, { key: gw.untrusted, header: { kid: gw.es256.kid, jwk: strip(gw.untrusted.publicJwk) } }),
    INVALID(['token_header_invalid', 'token_signature_invalid']),
  ),
  ...tokenCases('jku header', (gw) => gw.token({}, { key: gw.untrusted, header: { jku: 'http://127.0.0.1:9/jwks' } }), INVALID('token_header_invalid')),
  ...tokenCases('jku header on a trusted key', (gw) => gw.token({}, { header: { jku: 'http://127.0.0.1:9/jwks' } }), INVALID('token_header_invalid')),
  ...tokenCases('x5u header', (gw) => gw.token({}, { key: gw.untrusted, header: { x5u: 'http://127.0.0.1:9/cert.pem' } }), INVALID('token_header_invalid')),
  ...tokenCases('x5c header', (gw) => gw.token({}, { key: gw.untrusted, header: { x5c: [b64u('not a certificate')] } }), INVALID('token_header_invalid')),
  ...tokenCases(
    'unknown crit member',
    (gw) => signText(gw.es256, header(gw.es256, { crit: ['exp-2'], 'exp-2': nowS() + 3600 }), JSON.stringify(claims())),
    INVALID('token_header_invalid'),
  ),
  ...tokenCases('typ JWT', (gw) => gw.token({}, { header: { typ: 'JWT' } }), INVALID('token_header_invalid')),
  ...tokenCases('typ missing', (gw) => gw.token({}, { header: { typ: undefined } }), INVALID('token_header_invalid')),
];

const CLAIM_CASES: Case[] = [
  ...tokenCases('expired', (gw) => gw.token({ iat: nowS() - 7200, exp: nowS() - 120 }), INVALID('token_expired')),
  ...tokenCases('nbf beyond the 60 s tolerance', (gw) => gw.token({ nbf: nowS() + 600 }), INVALID('token_not_yet_valid')),
  ...tokenCases('iat in the future', (gw) => gw.token({ iat: nowS() + 600, exp: nowS() + 3600 }), INVALID('token_not_yet_valid')),
  ...tokenCases('missing exp', (gw) => gw.token({ exp: undefined }), INVALID('token_claims_invalid')),
  ...tokenCases('missing iat', (gw) => gw.token({ iat: undefined }), INVALID('token_claims_invalid')),
  ...tokenCases('missing jti', (gw) => gw.token({ jti: undefined }), INVALID('token_claims_invalid')),
  ...tokenCases('empty jti', (gw) => gw.token({ jti: '' }), INVALID('token_claims_invalid')),
  ...tokenCases('missing sub', (gw) => gw.token({ sub: undefined }), INVALID('token_claims_invalid')),
  ...tokenCases('lifetime over 400 days', (gw) => gw.token({ iat: nowS(), exp: nowS() + 401 * DAY }), INVALID('token_lifetime_exceeded')),
  ...tokenCases('issued over 400 days ago', (gw) => gw.token({ iat: nowS() - 401 * DAY, exp: nowS() + 3600 }), INVALID('token_lifetime_exceeded')),
  ...tokenCases(
    'exp 1e400',
    (gw) => signText(gw.es256, header(gw.es256), JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e400')),
    INVALID(['token_claims_invalid', 'token_lifetime_exceeded']),
  ),
  ...tokenCases('exp as a string', (gw) => gw.token({ exp: String(nowS() + 3600) }), INVALID('token_claims_invalid')),
  ...tokenCases('wrong iss', (gw) => gw.token({ iss: 'someone-else' }), INVALID('token_claims_invalid')),
  ...tokenCases('wrong aud', (gw) => gw.token({ aud: 'another-gateway' }), INVALID('token_claims_invalid')),
];

const SIGNATURE_CASES: Case[] = [
  ...tokenCases(
    'tampered payload (sub swapped)',
    async (gw) => withPayload(await gw.token({ sub: 'sports-only' }), (p) => (p['sub'] = 'demo-newsroom')),
    INVALID('token_signature_invalid'),
  ),
  ...tokenCases(
    'tampered payload (scope widened)',
    async (gw) => withPayload(await gw.token({ scope: 'feed:sports' }), (p) => (p['scope'] = 'feed:*')),
    INVALID('token_signature_invalid'),
  ),
  ...tokenCases('truncated signature', async (gw) => (await gw.token()).slice(0, -8), INVALID(['token_signature_invalid', 'token_malformed'])),
  ...tokenCases(
    'all-zero ECDSA signature',
    async (gw) => `${(await gw.token()).split('.').slice(0, 2).join('.')}.${b64u(new Uint8Array(64))}`,
    INVALID('token_signature_invalid'),
  ),
  ...tokenCases(
    'signed by an untrusted key under a trusted kid',
    (gw) => gw.token({}, { key: gw.untrusted, header: { kid: gw.es256.kid } }),
    INVALID('token_signature_invalid'),
  ),
];

const REVOKED_CASES: Case[] = [
  ...tokenCases('revoked jti', (gw) => gw.token({ jti: REVOKED_JTI }), INVALID('token_revoked')),
  ...tokenCases(
    'revoked jti, a second distinct ES256 token',
    (gw) => gw.token({ jti: REVOKED_JTI, iat: nowS() - 30, scope: 'feed:*' }),
    INVALID('token_revoked'),
  ),
  ...tokenCases('revoked jti, EdDSA token', (gw) => gw.token({ jti: REVOKED_JTI }, { key: gw.eddsa }), INVALID('token_revoked')),
  ...tokenCases('revoked jti, respelled with a high-S signature', async (gw) => highS(await gw.token({ jti: REVOKED_JTI })), INVALID('token_revoked')),
  requestCase(
    'revoked jti, lower-case scheme and extra spaces',
    async (gw) => {
      const token = await gw.token({ jti: REVOKED_JTI });
      return { headers: { Authorization: `bearer    ${token}` }, scheme: 'Bearer', secrets: [token] };
    },
    INVALID('token_revoked'),
  ),
];

const LICENSEE_CASES: Case[] = [
  ...['nobody', 'DEMO-NEWSROOM', '__proto__', 'constructor', 'toString'].flatMap((sub) =>
    tokenCases(`unknown licensee "${sub}"`, (gw) => gw.token({ sub }), INVALID('licensee_unknown')),
  ),
  ...tokenCases('suspended licensee', (gw) => gw.token({ sub: 'suspended-news' }), INVALID('licensee_suspended')),
  ...tokenCases('scope without the feed', (gw) => gw.token({ scope: 'feed:sports' }), SCOPE('feed_not_licensed')),
  ...tokenCases('empty scope', (gw) => gw.token({ scope: '' }), SCOPE('feed_not_licensed')),
  ...tokenCases('no scope claim', (gw) => gw.token({ scope: undefined }), SCOPE('feed_not_licensed')),
  ...tokenCases('licensee without the feed (sports-only, feed:*)', (gw) => gw.token({ sub: 'sports-only', scope: 'feed:*' }), SCOPE('feed_not_licensed')),
  ...tokenCases('territory-limited licensee, no country', (gw) => gw.token({ sub: 'morocco-only', scope: 'feed:*' }), SCOPE('territory_not_licensed')),
  ...tokenCases(
    'territory-limited licensee, country header not trusted',
    (gw) => gw.token({ sub: 'morocco-only', scope: 'feed:*' }),
    SCOPE('territory_not_licensed'),
    BINDINGS,
    { 'CF-IPCountry': 'MA' },
  ),
  ...tokenCases(
    'territory-limited licensee, trusted header says US',
    (gw) => gw.token({ sub: 'morocco-only', scope: 'feed:*' }),
    SCOPE('territory_not_licensed'),
    COUNTRY_BINDINGS,
    { 'CF-IPCountry': 'US' },
  ),
  ...tokenCases(
    'territory-limited licensee, trusted header says XX',
    (gw) => gw.token({ sub: 'morocco-only', scope: 'feed:*' }),
    SCOPE('territory_not_licensed'),
    COUNTRY_BINDINGS,
    { 'CF-IPCountry': 'XX' },
  ),
  ...tokenCases('validity window over', (gw) => gw.token({ sub: 'lapsed-news' }), SCOPE('license_expired')),
  ...tokenCases('validity window not started', (gw) => gw.token({ sub: 'future-news' }), SCOPE('license_not_yet_valid')),
];

const TRANSPORT_CASES: Case[] = [
  ...['access_token', 'token', 'jwt'].flatMap((param) => [
    requestCase(
      `?${param}= with a valid header token`,
      async (gw) => {
        const [good, inQuery] = [await gw.token(), await gw.token()];
        return { headers: { Authorization: `Bearer ${good}` }, query: `${param}=${inQuery}`, scheme: 'Bearer', secrets: [good, inQuery] };
      },
      BAD_REQUEST('token_in_query'),
    ),
    requestCase(
      `?${param}= with a valid License header token`,
      async (gw) => {
        const [good, inQuery] = [await gw.token(), await gw.token()];
        return { headers: { Authorization: `License ${good}` }, query: `${param}=${inQuery}`, scheme: 'License', secrets: [good, inQuery] };
      },
      BAD_REQUEST('token_in_query'),
    ),
    requestCase(
      `?${param}= alone`,
      async (gw) => {
        const token = await gw.token();
        return { query: `${param}=${token}`, scheme: 'Bearer', secrets: [token] };
      },
      BAD_REQUEST('token_in_query'),
    ),
  ]),
  requestCase(
    'two Bearer credentials in one header',
    async (gw) => {
      const [a, b] = [await gw.token(), await gw.token()];
      return { headers: { Authorization: `Bearer ${a}, Bearer ${b}` }, scheme: 'Bearer', secrets: [a, b] };
    },
    BAD_REQUEST('multiple_credentials'),
  ),
  requestCase(
    'two Authorization headers',
    async (gw) => {
      const [a, b] = [await gw.token(), await gw.token({}, { key: gw.eddsa })];
      const headers = new Headers();
      headers.append('Authorization', `Bearer ${a}`);
      headers.append('Authorization', `Bearer ${b}`);
      return { headers, scheme: 'Bearer', secrets: [a, b] };
    },
    BAD_REQUEST('multiple_credentials'),
  ),
  requestCase(
    'License then Bearer credential',
    async (gw) => {
      const [a, b] = [await gw.token(), await gw.token()];
      return { headers: { Authorization: `License ${a}, Bearer ${b}` }, scheme: 'License', secrets: [a, b] };
    },
    BAD_REQUEST('multiple_credentials'),
  ),
  requestCase(
    'Basic credentials',
    async () => ({ headers: { Authorization: 'Basic dXNlcjpwYXNz' }, scheme: 'Bearer', secrets: ['dXNlcjpwYXNz'] }),
    BAD_REQUEST('unsupported_scheme'),
  ),
  requestCase(
    'Token scheme',
    async (gw) => {
      const token = await gw.token();
      return { headers: { Authorization: `Token ${token}` }, scheme: 'Bearer', secrets: [token] };
    },
    BAD_REQUEST('unsupported_scheme'),
  ),
  requestCase('Token abc', async () => ({ headers: { Authorization: 'Token abc' }, scheme: 'Bearer', secrets: [] }), BAD_REQUEST('unsupported_scheme')),
  requestCase('empty Bearer', async () => ({ headers: { Authorization: 'Bearer ' }, scheme: 'Bearer', secrets: [] }), BAD_REQUEST('invalid_request')),
  requestCase('empty License', async () => ({ headers: { Authorization: 'License ' }, scheme: 'License', secrets: [] }), BAD_REQUEST('invalid_request')),
  ...tokenCases('a validly signed token over 4096 characters', (gw) => gw.token({ pad: 'x'.repeat(4096) }), INVALID('token_malformed')),
  ...tokenCases('garbage', async () => 'not-a-jwt-at-all-just-some-garbage-text', INVALID('token_malformed')),
  // A Bearer/License credential whose token is not even b64token is a malformed token (SPEC §4), not another scheme.
  ...tokenCases('characters outside the token alphabet', async () => '!!!', INVALID('token_malformed')),
  ...tokenCases('a JWT with a space inside', async (gw) => (await gw.token()).replace('.', ' .'), INVALID('token_malformed')),
  ...tokenCases('two segments', async (gw) => (await gw.token()).split('.').slice(0, 2).join('.'), INVALID('token_malformed')),
  ...tokenCases('four segments', async (gw) => `${await gw.token()}.${b64u('extra-segment-data')}`, INVALID('token_malformed')),
];

const CASES: Case[] = [
  ...ALG_NONE,
  ...HMAC_CONFUSION,
  ...HEADER_CASES,
  ...CLAIM_CASES,
  ...SIGNATURE_CASES,
  ...REVOKED_CASES,
  ...LICENSEE_CASES,
  ...TRANSPORT_CASES,
];

function strip(jwk: Record<string, unknown>): Record<string, unknown> {
  const { kid: _kid, use: _use, alg: _alg, ...rest } = jwk;
  return rest;
}

// ---- assertions ----------------------------------------------------------------------------------

/** Anything a secret could leak as: the whole string, and each long dot-separated part of a JWT. */
function leakForms(secret: string): string[] {
  return [secret, ...secret.split('.').filter((part) => part.length >= 16)].filter((s) => s.length >= 3);
}

async function expectRefusal(res: Response, attempt: Attempt, refusal: Refusal, where: string): Promise<void> {
  const text = await res.text();
  expect(res.status, where).toBe(refusal.status);
  expect(res.headers.get('Content-Type'), where).toBe('application/problem+json');
  expect(res.headers.get('Cache-Control'), where).toBe('no-store');
  const challenge = res.headers.get('WWW-Authenticate') ?? '';
  expect(challenge.startsWith(`${attempt.scheme} `), `${where}: ${challenge}`).toBe(true);
  expect(challenge, where).toContain('realm="wiregate"');
  expect(challenge, where).toContain(`error="${refusal.error}"`);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body['status'], where).toBe(refusal.status);
  expect(typeof body['type'] === 'string' && typeof body['title'] === 'string' && typeof body['detail'] === 'string', where).toBe(true);
  const codes = typeof refusal.code === 'string' ? [refusal.code] : refusal.code;
  expect(codes, `${where}: code ${String(body['code'])}`).toContain(body['code']);
  // Failure is closed and silent: no story text and no credential anywhere in the answer.
  const everything = [text, ...[...res.headers].map(([name, value]) => `${name}: ${value}`)];
  for (const part of everything) {
    expect(part, where).not.toContain(LATE);
    expect(part, where).not.toContain(FIRST);
    for (const secret of attempt.secrets) for (const form of leakForms(secret)) expect(part.includes(form), `${where}: leaks a credential`).toBe(false);
  }
}

function pathWith(path: string, query: string | undefined): string {
  return query ? `${path}?${query}` : path;
}

// ---- tests -----------------------------------------------------------------------------------------

let gw: Gateway;
beforeAll(async () => {
  gw = await gateway();
});

describe('refused credentials', () => {
  let fetchSpy: MockInstance<typeof fetch>;
  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('the gateway must not fetch anything here'));
  });
  afterEach(() => {
    const calls = fetchSpy.mock.calls.length;
    fetchSpy.mockRestore();
    // No token may make the gateway reach out (jku, x5u, a jwk's URL…): local keys only.
    expect(calls, 'the gateway fetched something').toBe(0);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const attempt = await c.attempt(gw);
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(pathWith(path, attempt.query), attempt.headers ? { headers: attempt.headers } : {}, attempt.bindings);
      await expectRefusal(res, attempt, c.refusal, `${c.name} on ${path}`);
    }
  });

  it('a HEAD with a bad token is refused the same way, with no body', async () => {
    const token = await gw.token({ sub: 'nobody' });
    const res = await gw.request(CONTENT_PATHS[0], { method: 'HEAD', ...bearer(token, 'License') });
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^License realm="wiregate", error="invalid_token"/);
    expect(await res.text()).toBe('');
  });
});

// ---- licensed paths ---------------------------------------------------------------------------------

async function licensed(
  token: string,
  scheme: Scheme = 'Bearer',
  path: string = CONTENT_PATHS[0],
  init: RequestInit = {},
  bindings?: Bindings,
): Promise<{ text: string; receipts: string[] }> {
  const { headers: extra, ...rest } = init;
  const headers = new Headers(extra);
  headers.set('Authorization', `${scheme} ${token}`);
  const res = await gw.request(path, { ...rest, headers }, bindings);
  const text = await res.text();
  expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
  expect(text, path).toContain(LATE);
  expect(text, path).toContain(LICENSE_LINE);
  expect(res.headers.get('Cache-Control'), path).toBe('private, no-store');
  expect(res.headers.get('Vary') ?? '', path).toMatch(/(^|,\s*)Authorization(\s*,|$)/i);
  for (const [name, value] of res.headers) expect(value.includes(token), `${path}: header ${name} echoes the token`).toBe(false);
  return { text, receipts: [...new Set(text.match(RECEIPT) ?? [])] };
}

describe('valid tokens', () => {
  const keys = ['es256', 'eddsa'] as const;
  const schemes = ['Bearer', 'License'] as const;

  it.each(keys.flatMap((k) => schemes.map((s) => [k, s] as const)))('%s token, %s scheme, on every content path', async (k, scheme) => {
    const token = await gw.token({}, { key: gw[k] });
    const seen = new Set<string>();
    for (const path of CONTENT_PATHS) {
      const { receipts } = await licensed(token, scheme, path);
      expect(receipts, path).toHaveLength(1);
      seen.add(receipts[0]!);
    }
    // One story, one token: the same receipt in every format.
    expect(seen.size).toBe(1);
  });

  it('the receipt is stable for a token, shared by tokens with the same jti, and differs between jtis', async () => {
    const jti = crypto.randomUUID();
    const first = await gw.token({ jti });
    const sameJti = await gw.token({ jti, iat: nowS() - 60, scope: 'feed:*' }, { key: gw.eddsa });
    const otherJti = await gw.token();
    expect(sameJti).not.toBe(first);
    for (const path of CONTENT_PATHS) {
      const a = (await licensed(first, 'Bearer', path)).receipts;
      const again = (await licensed(first, 'License', path)).receipts;
      const same = (await licensed(sameJti, 'Bearer', path)).receipts;
      const other = (await licensed(otherJti, 'Bearer', path)).receipts;
      expect(a, path).toHaveLength(1);
      expect(again, path).toEqual(a);
      expect(same, path).toEqual(a);
      expect(other, path).toHaveLength(1);
      expect(other, path).not.toEqual(a);
    }
  });

  it('a high-S respelling of a valid ES256 token gets the same receipt', async () => {
    const token = await gw.token();
    expect(highS(token)).not.toBe(token);
    const original = await licensed(token);
    const respelled = await licensed(highS(token));
    expect(respelled.receipts).toEqual(original.receipts);
  });

  it('feed:* grants demo-newsroom its feeds', async () => {
    const token = await gw.token({ scope: 'feed:* something-else' });
    for (const path of CONTENT_PATHS) await licensed(token, 'Bearer', path);
  });

  it('aud may be a list that contains the audience; nbf, iat and exp within the 60 s tolerance pass', async () => {
    await licensed(await gw.token({ aud: ['other', 'wiregate'] }));
    await licensed(await gw.token({ nbf: nowS() + 30 }));
    await licensed(await gw.token({ iat: nowS() + 30, exp: nowS() + 3600 }));
    await licensed(await gw.token({ iat: nowS() - 3600, exp: nowS() - 30 }));
    await licensed(await gw.token({ iat: nowS(), exp: nowS() + 400 * DAY }));
  });

  it('a territory-limited licensee gets full text from a trusted country header that names its territory', async () => {
    const token = await gw.token({ sub: 'morocco-only', scope: 'feed:*' });
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(path, { headers: { Authorization: `Bearer ${token}`, 'CF-IPCountry': 'MA' } }, COUNTRY_BINDINGS);
      const text = await res.text();
      expect(res.status, path).toBe(200);
      expect(text, path).toContain(LATE);
      expect(text, path).toContain('Licensed to Morocco Only under LIC-MA-1.');
      expect(res.headers.get('Cache-Control'), path).toBe('private, no-store');
    }
  });

  it.runIf(IN_WORKERD)('on Workers, request.cf.country decides the territory', async () => {
    const token = await gw.token({ sub: 'morocco-only', scope: 'feed:*' });
    const ok = await gw.request(CONTENT_PATHS[0], { ...bearer(token), cf: { country: 'MA' } } as RequestInit);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(LATE);
    const refused = await gw.request(CONTENT_PATHS[0], { ...bearer(token), cf: { country: 'US' } } as RequestInit);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(LATE);
  });
});
