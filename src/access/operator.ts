// Operator tokens (SPEC §10): typ operator+jwt, their own key set, grants in `scope`.

import { Problem } from '../problem.ts';
import type { Registry } from '../registry/registry.ts';
import type { Settings } from '../settings.ts';
import type { Snapshot } from '../store/snapshot.ts';
import { readCredential } from './credentials.ts';
import { localKeySource, type KeySource } from './keys.ts';
import { verifyTokenCached } from './token-cache.ts';

export type Grant = 'stories:write' | 'licensees:write' | 'usage:read' | 'trace' | 'admin';

export interface Operator {
  readonly sub: string;
  readonly grants: ReadonlySet<string>;
}

const sources = new WeakMap<Snapshot['operatorKeys'], KeySource>();

/** The operator a request's token names, or a refusal: 401 without a valid operator token. */
export async function identifyOperator(request: Request, settings: Settings, state: Snapshot): Promise<Operator> {
  const credential = readCredential(request);
  if (credential === null) throw new Problem('token_required', { detail: 'Present an operator token.' });
  let keys = sources.get(state.operatorKeys);
  if (!keys) sources.set(state.operatorKeys, (keys = localKeySource(state.operatorKeys)));
  try {
    const token = await verifyTokenCached(credential.token, keys, settings, Date.now(), 'operator');
    if (revoked(state.registry, token.jti)) throw new Problem('token_revoked', { detail: 'The token has been revoked.' });
    return { sub: token.sub, grants: token.scope };
  } catch (err) {
    if (err instanceof Problem) throw new Problem(err.code, { ...err.options, scheme: credential.scheme });
    throw new Problem('token_malformed', { detail: 'The token could not be verified.', scheme: credential.scheme });
  }
}

function revoked(registry: Registry, jti: string): boolean {
  return registry.revoked.has(jti);
}

/** 403 unless the operator holds `grant` (or `admin`, which is every grant). */
export function requireGrant(operator: Operator, grant: Grant): void {
  if (!operator.grants.has(grant) && !operator.grants.has('admin')) {
    throw new Problem('grant_missing', { detail: `This needs the "${grant}" grant.` });
  }
}
