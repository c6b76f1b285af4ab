// Loads and validates licenses/: licensees, the trusted public key set and revoked token ids.

import { FieldReader, ID, parseJson } from '../catalog/fields.ts';
import type { DataFile, DataProblem } from '../catalog/types.ts';
import { DEFAULT_TERMS, readTerms, type OperatorTerms } from '../rights/terms.ts';

export interface Licensee {
  readonly id: string;
  readonly name: string;
  readonly status: 'active' | 'suspended';
  readonly license: string;
  readonly feeds: readonly string[];
  readonly validFrom: string;
  readonly validUntil: string;
  /** ISO 3166-1 alpha-2 codes; undefined means worldwide. */
  readonly territories?: readonly string[];
  /** May receive embargoed stories before release (with the embargo notice). */
  readonly embargoAccess?: boolean;
  /** SPEC §13: limits on licensed requests per minute and stories delivered per calendar month (UTC). */
  readonly quota?: { readonly requestsPerMinute?: number; readonly storiesPerMonth?: number };
  /** SPEC §11: how many client networks a feed key may be used from per day, and what happens past it. */
  readonly sharing?: { readonly maxNetworksPerDay: number; readonly action: 'flag' | 'suspend' };
}

export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly [member: string]: unknown;
}

export interface Registry {
  readonly licensees: ReadonlyMap<string, Licensee>;
  readonly jwks: { readonly keys: readonly PublicJwk[] };
  readonly revoked: ReadonlySet<string>;
  readonly terms: OperatorTerms;
}

/** File names in licenses/ that are not licensees; no licensee may take these ids. */
const RESERVED = ['jwks', 'revoked', 'terms', 'operator-jwks'];

const LICENSEE_FIELDS = ['id', 'name', 'status', 'license', 'feeds', 'validFrom', 'validUntil', 'territories', 'embargoAccess', 'quota', 'sharing'];
/** Members that only a private (or symmetric) key has; their presence means a secret leaked. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The private (or symmetric) key members a JWK holds; a trusted key set must hold none. */
export function privateMembers(jwk: object): string[] {
  return PRIVATE_MEMBERS.filter((m) => m in jwk);
}

/** `dir` names the files in problems: the directory they came from (`WIREGATE_LICENSES_DIR`). */
export function loadRegistry(files: readonly DataFile[], dir = 'licenses'): { registry: Registry; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  const licensees = new Map<string, Licensee>();
  let jwks: Registry['jwks'] = { keys: [] };
  const revoked = new Set<string>();
  let terms: OperatorTerms | undefined;
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!file.path.endsWith('.json') || file.path.includes('/')) continue;
    const reader = new FieldReader(`${dir}/${file.path}`);
    const raw = parseJson(reader, file.text);
    if (raw !== undefined) {
      if (file.path === 'jwks.json') jwks = readJwks(reader, raw);
      else if (file.path === 'revoked.json') readRevoked(reader, raw).forEach((j) => revoked.add(j));
      else if (file.path === 'terms.json') terms = readTerms(reader, raw);
      else if (file.path === 'operator-jwks.json') readJwks(reader, raw);
      else {
        const licensee = readLicensee(reader, raw, file.path);
        if (licensee) licensees.set(licensee.id, licensee);
      }
    }
    problems.push(...reader.problems);
  }
  if (!terms && !files.some((f) => f.path === 'terms.json')) {
    // Optional (SPEC §2): a directory with only licensees, jwks.json and revoked.json must start.
    problems.push({
      file: `${dir}/terms.json`,
      field: '(file)',
      message:
        'is absent: defaults apply and the license pages say no contact is configured; add it to state contact, license server, payment and AI-use terms',
      severity: 'warning',
    });
  }
  // An invalid terms.json is an error (loadData refuses to start), so the defaults stand in only when it is absent.
  return { registry: { licensees, jwks, revoked, terms: terms ?? DEFAULT_TERMS }, problems };
}

function readLicensee(reader: FieldReader, raw: unknown, path: string): Licensee | undefined {
  const obj = reader.object(raw);
  if (!obj) return undefined;
  reader.unknownFields(obj, LICENSEE_FIELDS);
  const id = reader.string(obj, 'id', { pattern: ID });
  if (id && path !== `${id}.json`) reader.error('id', `must match the file name (${id}.json)`);
  if (RESERVED.includes(id)) reader.error('id', `"${id}" is reserved for licenses/${id}.json`);
  const status = reader.string(obj, 'status');
  if (status && status !== 'active' && status !== 'suspended') reader.error('status', 'must be "active" or "suspended"');
  const feeds = reader.strings(obj, 'feeds', { pattern: /^(\*|[a-z0-9][a-z0-9-]{0,63})$/ }) ?? [];
  if (feeds.length === 0) reader.error('feeds', 'must name at least one feed (or "*")');
  const territories = reader.strings(obj, 'territories', { optional: true, pattern: /^[A-Z]{2}$/ });
  if (territories?.length === 0) reader.error('territories', 'must name at least one country, or be left out for worldwide');
  const licensee: Licensee = {
    id,
    name: reader.string(obj, 'name'),
    status: status === 'suspended' ? 'suspended' : 'active',
    license: reader.string(obj, 'license'),
    feeds,
    validFrom: reader.timestamp(obj, 'validFrom'),
    validUntil: reader.timestamp(obj, 'validUntil'),
    ...(territories ? { territories } : {}),
    ...(obj['embargoAccess'] === true ? { embargoAccess: true } : {}),
    ...readQuota(reader, obj['quota']),
    ...readSharing(reader, obj['sharing']),
  };
  if (obj['embargoAccess'] !== undefined && typeof obj['embargoAccess'] !== 'boolean') reader.error('embargoAccess', 'must be true or false');
  if (licensee.validFrom && licensee.validUntil && licensee.validUntil <= licensee.validFrom) {
    reader.error('validUntil', 'must be later than validFrom');
  }
  return reader.problems.some((p) => p.severity === 'error') ? undefined : Object.freeze(licensee);
}

/** A key set read outside a file (the store, a remote set): invalid keys are dropped. */
export function readKeySet(raw: unknown): { keys: PublicJwk[] } {
  return readJwks(new FieldReader('keys'), raw);
}

function wholeNumber(reader: FieldReader, obj: Record<string, unknown>, field: string, path: string): number | undefined {
  const value = obj[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) reader.error(`${path}.${field}`, 'must be a whole number of at least 1');
  return value as number;
}

function readQuota(reader: FieldReader, raw: unknown): Pick<Licensee, 'quota'> {
  if (raw === undefined) return {};
  const obj = reader.object(raw, 'quota');
  if (!obj) return {};
  for (const key of Object.keys(obj)) if (key !== 'requestsPerMinute' && key !== 'storiesPerMonth') reader.error(`quota.${key}`, 'is not a known field');
  const requestsPerMinute = wholeNumber(reader, obj, 'requestsPerMinute', 'quota');
  const storiesPerMonth = wholeNumber(reader, obj, 'storiesPerMonth', 'quota');
  return { quota: { ...(requestsPerMinute ? { requestsPerMinute } : {}), ...(storiesPerMonth ? { storiesPerMonth } : {}) } };
}

function readSharing(reader: FieldReader, raw: unknown): Pick<Licensee, 'sharing'> {
  if (raw === undefined) return {};
  const obj = reader.object(raw, 'sharing');
  if (!obj) return {};
  for (const key of Object.keys(obj)) if (key !== 'maxNetworksPerDay' && key !== 'action') reader.error(`sharing.${key}`, 'is not a known field');
  const max = wholeNumber(reader, obj, 'maxNetworksPerDay', 'sharing') ?? 5;
  const action = obj['action'] ?? 'flag';
  if (action !== 'flag' && action !== 'suspend') reader.error('sharing.action', 'must be "flag" or "suspend"');
  return { sharing: { maxNetworksPerDay: max, action: action === 'suspend' ? 'suspend' : 'flag' } };
}

/** Validates one licensee record as the API receives it; the problems name its fields. */
export function readLicenseeRecord(raw: unknown, id: string): { licensee?: Licensee; problems: DataProblem[] } {
  const reader = new FieldReader('licensee');
  const licensee = readLicensee(reader, raw, `${id}.json`);
  return { ...(licensee ? { licensee } : {}), problems: reader.problems.filter((p) => p.severity === 'error') };
}

function readJwks(reader: FieldReader, raw: unknown): { keys: PublicJwk[] } {
  const obj = reader.object(raw);
  if (!obj) return { keys: [] };
  const keys = obj['keys'];
  if (!Array.isArray(keys)) {
    reader.error('keys', 'must be an array of public JWKs');
    return { keys: [] };
  }
  const seen = new Set<string>();
  const good: PublicJwk[] = [];
  keys.forEach((key: unknown, i) => {
    const field = `keys[${i}]`;
    const jwk = reader.object(key, field);
    if (!jwk) return;
    const secret = privateMembers(jwk);
    if (secret.length > 0) return reader.error(field, `holds private key material ("${secret.join('", "')}"); only public keys belong here`);
    if (typeof jwk['kid'] !== 'string' || jwk['kid'] === '') return reader.error(`${field}.kid`, 'must be a non-empty string');
    if (jwk['kty'] !== 'EC' && jwk['kty'] !== 'OKP') return reader.error(`${field}.kty`, 'must be "EC" (ES256) or "OKP" (EdDSA)');
    if (seen.has(jwk['kid'])) return reader.error(`${field}.kid`, `duplicates kid "${jwk['kid']}"`);
    seen.add(jwk['kid']);
    good.push(jwk as PublicJwk);
  });
  return { keys: good };
}

function readRevoked(reader: FieldReader, raw: unknown): string[] {
  const obj = reader.object(raw);
  if (!obj) return [];
  return reader.strings(obj, 'jti') ?? [];
}

/** Licensees that name feeds the catalog does not have: allowed (contracts run ahead), but worth a warning. */
export function feedWarnings(registry: Registry, feedIds: ReadonlySet<string>, dir = 'licenses'): DataProblem[] {
  const out: DataProblem[] = [];
  for (const l of registry.licensees.values()) {
    l.feeds.forEach((f, i) => {
      if (f !== '*' && !feedIds.has(f)) {
        out.push({ file: `${dir}/${l.id}.json`, field: `feeds[${i}]`, message: `names feed "${f}", which has no stories yet`, severity: 'warning' });
      }
    });
  }
  return out;
}
