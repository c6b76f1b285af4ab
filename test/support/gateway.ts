// Test harness shared by the Node and workerd runs: the seed catalog, test keys and licensees, a token minter.

import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { testStore } from '#test-store';
import { newApp } from '../../src/app.ts';
import { ROUTES } from '../../src/routes/table.ts';
import type { DataFile, Story } from '../../src/catalog/types.ts';
import { loadData, type DataFiles, type GatewayData } from '../../src/data.ts';
import type { Bindings } from '../../src/settings.ts';
import type { Store, StoreOptions } from '../../src/store/store.ts';
import packed from '../../build/data.json';

export const SLUG = 'the-israeli-and-moroccan-defense-ministers-meet-in-a-historic-visit';
/** A sentence from late in the story: it must never reach anyone without a license. */
export const LATE = 'Nearly half a million Israelis claim Moroccan heritage';
export const FIRST = 'The Israeli Defense Minister met his Moroccan counterpart';
export const LICENSE_LINE = 'Licensed to Demo Newsroom under LIC-DEMO-0001. Not for redistribution beyond the terms of that license.';

export const BINDINGS: Bindings = Object.freeze({
  WIREGATE_PUBLIC_URL: 'https://wire.example',
  WIREGATE_RECEIPT_SECRET: 'test-receipt-secret-not-for-production',
});

/** Every content path of the seed story and its feed, from the route table (a new format is tested at once). */
export const CONTENT_PATHS = contentPaths();
function contentPaths(): readonly [string, string, string, string, string, string, ...string[]] {
  const paths = ROUTES.filter((r) => r.kind === 'content').flatMap((r) => r.examples(SLUG, 'world'));
  // Stories first, then feeds, three formats each (tests index them); more formats only add paths.
  if (paths.length < 6) throw new Error('the route table lost a content format');
  return paths as unknown as readonly [string, string, string, string, string, string, ...string[]];
}

/** Extra licensees for refusal paths, added beside the committed demo-newsroom. */
const EXTRA_LICENSEES: Record<string, unknown>[] = [
  {
    id: 'suspended-news',
    name: 'Suspended News',
    status: 'suspended',
    license: 'LIC-S-1',
    feeds: ['world'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  },
  {
    id: 'sports-only',
    name: 'Sports Only',
    status: 'active',
    license: 'LIC-SP-1',
    feeds: ['sports'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  },
  {
    id: 'morocco-only',
    name: 'Morocco Only',
    status: 'active',
    license: 'LIC-MA-1',
    feeds: ['*'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
    territories: ['MA'],
  },
  {
    id: 'lapsed-news',
    name: 'Lapsed News',
    status: 'active',
    license: 'LIC-L-1',
    feeds: ['world'],
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: '2021-01-01T00:00:00Z',
  },
  {
    id: 'future-news',
    name: 'Future News',
    status: 'active',
    license: 'LIC-F-1',
    feeds: ['world'],
    validFrom: '2090-01-01T00:00:00Z',
    validUntil: '2099-01-01T00:00:00Z',
  },
];

export const REVOKED_JTI = 'revoked-jti-0001';

export interface TestKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'EdDSA';
  readonly privateKey: CryptoKey;
  readonly publicJwk: Record<string, unknown>;
}

export async function testKey(alg: 'ES256' | 'EdDSA', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface Gateway {
  /** The files the store was filled from, as parsed (for looking up what the tests expect). */
  readonly data: GatewayData;
  /** The real store behind this gateway: SQLite in Node, D1 in workerd. */
  readonly store: Store;
  /** The files the store was filled from. */
  readonly files: DataFiles;
  readonly es256: TestKey;
  readonly eddsa: TestKey;
  /** A stranger's key: valid signatures, but not in the trusted set. */
  readonly untrusted: TestKey;
  request(path: string, init?: RequestInit, bindings?: Bindings): Promise<Response>;
  /** The operator key (in licenses/operator-jwks.json of this gateway). */
  readonly operator: TestKey;
  /** A valid operator token with every grant unless `scope` says otherwise. */
  operatorToken(claims?: Record<string, unknown>, options?: { key?: TestKey; header?: Record<string, unknown> }): Promise<string>;
  /** A valid demo-newsroom token; override claims (undefined deletes) or header fields. */
  token(claims?: Record<string, unknown>, options?: { key?: TestKey; header?: Record<string, unknown> }): Promise<string>;
}

/** The seed story (SLUG) as the gateway's catalog holds it; throws if the packed data lacks it. */
export function seedStory(gw: Gateway): Story {
  const story = gw.data.catalog.stories.get(SLUG);
  if (!story) throw new Error(`seed story ${SLUG} missing from the packed data`);
  return story;
}

export function packedFiles(): DataFiles {
  return packed as DataFiles;
}

export async function gateway(
  options: { extraFeeds?: DataFile[]; replaceFeeds?: DataFile[]; extraLicensees?: Record<string, unknown>[]; storeOptions?: StoreOptions } = {},
): Promise<Gateway> {
  const es256 = await testKey('ES256', 'test-es256');
  const eddsa = await testKey('EdDSA', 'test-eddsa');
  const untrusted = await testKey('ES256', 'test-untrusted');
  const operator = await testKey('ES256', 'test-operator');
  const files = packedFiles();
  const licenses: DataFile[] = [
    ...files.licenses.filter((f) => !['jwks.json', 'revoked.json', 'operator-jwks.json'].includes(f.path)),
    { path: 'jwks.json', text: JSON.stringify({ keys: [es256.publicJwk, eddsa.publicJwk] }) },
    { path: 'revoked.json', text: JSON.stringify({ jti: [REVOKED_JTI] }) },
    { path: 'operator-jwks.json', text: JSON.stringify({ keys: [operator.publicJwk] }) },
    ...[...EXTRA_LICENSEES, ...(options.extraLicensees ?? [])].map((l) => ({ path: `${l['id']}.json`, text: JSON.stringify(l) })),
  ];
  const feeds = options.replaceFeeds ?? [...files.feeds, ...(options.extraFeeds ?? [])];
  const data = loadData({ feeds, licenses });
  const store = await testStore({ feeds, licenses }, options.storeOptions);
  const app = newApp(() => store);
  return {
    data,
    store,
    files: { feeds, licenses },
    es256,
    eddsa,
    untrusted,
    request: async (path, init, bindings = BINDINGS) => app.request(path, init, bindings),
    operator,
    token: (claims = {}, opts = {}) => mint(opts.key ?? es256, claims, opts.header),
    operatorToken: (claims = {}, opts = {}) =>
      mint(opts.key ?? operator, { sub: 'desk-editor', scope: 'admin', ...claims }, { typ: 'operator+jwt', ...opts.header }),
  };
}

export async function mint(key: TestKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: 'wiregate-local',
    aud: 'wiregate',
    sub: 'demo-newsroom',
    jti: crypto.randomUUID(),
    iat: now,
    exp: now + 3600,
    scope: 'feed:world',
    ...claims,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'license+jwt', ...header } as { alg: string })
    .sign(key.privateKey);
}

export function bearer(token: string, scheme = 'Bearer'): RequestInit {
  return { headers: { Authorization: `${scheme} ${token}` } };
}

/** A story record (SPEC §1) as an operator publishes it through the API, in the feed `world`. */
export function storyRecord(slug: string, headline: string, body: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    slug,
    headline,
    dateline: 'OSLO',
    published: '2026-11-30T09:00:00Z',
    updated: '2026-11-30T09:00:00Z',
    version: 1,
    status: 'usable',
    source: 'Test Wire',
    rightsHolder: 'Test Wire Ltd',
    copyrightNotice: 'Copyright 2026 Test Wire.',
    usageTerms: 'Not for redistribution.',
    feeds: ['world'],
    body,
    ...extra,
  };
}

/**
 * Data files for a feed `id` of `count` copies of the seed story (slugs `<id>-1` …), each record
 * overridden by `extra(i)`: a feed as long as a test needs, every item the seed's full text.
 */
export function seedCopies(id: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({})): { files: DataFile[]; slugs: string[] } {
  const seed = JSON.parse(packedFiles().feeds.find((f) => f.path === `stories/${SLUG}.json`)!.text) as Record<string, unknown>;
  const slugs = Array.from({ length: count }, (_, i) => `${id}-${i + 1}`);
  const files: DataFile[] = [
    ...slugs.map((slug, i) => ({ path: `stories/${slug}.json`, text: JSON.stringify({ ...seed, slug, feeds: [id], ...extra(i) }) })),
    { path: `${id}.json`, text: JSON.stringify({ id, title: id, description: `${id}.`, language: 'en', stories: slugs }) },
  ];
  return { files, slugs };
}
