// The decision point every content route asks: reads the credential, verifies it, and decides.

import { Problem } from '../http/problem.ts';
import type { Registry } from '../registry/registry.ts';
import type { Settings } from '../settings.ts';
import { readCredential } from './credentials.ts';
import { decide, PUBLIC, type Decision } from './decide.ts';
import { localKeySource, remoteKeySource, type KeySource } from './keys.ts';
import { verifyToken } from './verify-token.ts';

export interface AccessContext {
  readonly request: Request;
  readonly settings: Settings;
  readonly registry: Registry;
  /** Keys for this deployment: remote when WIREGATE_JWKS_URL is set, else licenses/jwks.json. */
  readonly keys: KeySource;
}

/** What may this request have of a resource that belongs to `resourceFeeds`? */
export async function accessFor(ctx: AccessContext, resourceFeeds: readonly string[] | null): Promise<Decision> {
  const credential = readCredential(ctx.request);
  if (credential === null) return PUBLIC;
  const scheme = credential.scheme;
  const now = Date.now();
  try {
    const token = await verifyToken(credential.token, ctx.keys, ctx.settings, now);
    const verdict = decide({
      token,
      licensee: ctx.registry.licensees.get(token.sub),
      revoked: ctx.registry.revoked.has(token.jti),
      resourceFeeds,
      country: countryOf(ctx.request, ctx.settings),
      now,
    });
    if (verdict.tier === 'refused') throw new Problem(verdict.code, { scheme });
    return verdict;
  } catch (err) {
    if (err instanceof Problem) throw new Problem(err.code, { ...err.options, scheme });
    // Anything unexpected while judging a credential refuses it; it never falls through to content.
    throw new Problem('token_malformed', { detail: 'The token could not be verified.', scheme });
  }
}

export function keySourceFor(settings: Settings, registry: Registry): KeySource {
  return settings.jwksUrl ? remoteKeySource(settings.jwksUrl) : cachedLocal(registry);
}

const localSources = new WeakMap<Registry, KeySource>();
function cachedLocal(registry: Registry): KeySource {
  let source = localSources.get(registry);
  if (!source) {
    source = localKeySource(registry.jwks);
    localSources.set(registry, source);
  }
  return source;
}

/** The client's country from a trusted source only: Cloudflare's request.cf, or the operator's header. */
function countryOf(request: Request, settings: Settings): string | undefined {
  const cf = (request as Request & { cf?: { country?: unknown } }).cf;
  const raw = typeof cf?.country === 'string' ? cf.country : settings.countryHeader ? request.headers.get(settings.countryHeader) : null;
  const country = raw?.trim().toUpperCase();
  return country && /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? country : undefined;
}
