// The decision point every content route asks: who is this (before any lookup), then what may they have.

import { headerOf } from '../http/request-headers.ts';
import { Problem } from '../problem.ts';
import type { Registry } from '../registry/registry.ts';
import type { Settings } from '../settings.ts';
import { readCredential, type Scheme } from './credentials.ts';
import { entitle, identify, isRefusal, type Decision, type Identity, type Refusal } from './decide.ts';
import { localKeySource, remoteKeySource, type KeySource } from './keys.ts';
import { verifyTokenCached } from './token-cache.ts';

export interface AccessContext {
  readonly request: Request;
  readonly settings: Settings;
  readonly registry: Registry;
  /** Keys for this deployment: remote when WIREGATE_JWKS_URL is set, else licenses/jwks.json. */
  readonly keys: KeySource;
  /** A credential outside the Authorization header on this path: a feed key (§11) or a desk session (§12). */
  readonly other?: OtherCredential | undefined;
}

/** A feed key in the path or a session cookie on an HTML page; judged lazily, after the header rules. */
export interface OtherCredential {
  /** Its identity, or null: a feed key is judged by its route (404/410/403), an ended session is anonymous. */
  identity(): Promise<Identity | null>;
}

export interface Caller {
  readonly identity: Identity | null;
  readonly scheme: Scheme;
  /** The client's country from a trusted source, looked up only if a license is limited by territory. */
  readonly country: () => string | undefined;
}

/** Reads and verifies the credential; a bad one is refused here (400, 401, 503) whatever was asked for. */
export async function identifyCaller(ctx: AccessContext): Promise<Caller> {
  const credential = readCredential(ctx.request);
  const country = () => countryOf(ctx.request, ctx.settings);
  if (ctx.other) {
    // SPEC §3: one credential per request; a feed key or a session beside an Authorization header is two.
    if (credential !== null) throw new Problem('multiple_credentials', { detail: 'Send exactly one credential.', scheme: credential.scheme });
    return { identity: await ctx.other.identity(), scheme: 'Bearer', country };
  }
  if (credential === null) return { identity: null, scheme: 'Bearer', country };
  const scheme = credential.scheme;
  try {
    const token = await verifyTokenCached(credential.token, ctx.keys, ctx.settings, Date.now());
    const result = identify(token, ctx.registry.licensees.get(token.sub), ctx.registry.revoked.has(token.jti));
    if (isRefusal(result)) throw new Problem(result.code);
    return { identity: result, scheme, country };
  } catch (err) {
    if (err instanceof Problem) throw new Problem(err.code, { ...err.options, scheme });
    // Anything unexpected while judging a credential refuses it; it never falls through to content.
    throw new Problem('token_malformed', { detail: 'The token could not be verified.', scheme, unexpected: true });
  }
}

/** What the caller may have of a resource in `resourceFeeds` (null: the caller's own license documents). */
export function decideFor(caller: Caller, resourceFeeds: readonly string[] | null, now = Date.now()): Decision {
  const verdict = verdictFor(caller, resourceFeeds, now);
  if (isRefusal(verdict)) throw refusalProblem(verdict, caller);
  return verdict;
}

/** The same answer without throwing, for routes that must hide a resource rather than refuse it. */
export function verdictFor(caller: Caller, resourceFeeds: readonly string[] | null, now = Date.now()): Decision | Refusal {
  return entitle(caller.identity, { resourceFeeds, country: caller.country, now });
}

export function refusalProblem(refusal: Refusal, caller: Caller): Problem {
  return new Problem(refusal.code, { scheme: caller.scheme });
}

export function keySourceFor(settings: Settings, registry: Registry): KeySource {
  return settings.jwksUrl ? remoteKeySource(settings.jwksUrl, { maxStaleMs: settings.jwksMaxStaleSeconds * 1000 }) : cachedLocal(registry);
}

/**
 * Local key sources by the key set's content, so a store change that leaves the keys alone keeps
 * the verified-token cache (which is per key source) warm.
 */
const localSources = new WeakMap<Registry, KeySource>();
const byContent = new Map<string, KeySource>();
function cachedLocal(registry: Registry): KeySource {
  let source = localSources.get(registry);
  if (!source) {
    const content = JSON.stringify(registry.jwks.keys);
    source = byContent.get(content);
    if (!source) {
      if (byContent.size >= 16) byContent.delete(byContent.keys().next().value!);
      byContent.set(content, (source = localKeySource(registry.jwks)));
    }
    localSources.set(registry, source);
  }
  return source;
}

/** The client's country from a trusted source only: Cloudflare's request.cf, or the operator's header. */
export function countryOf(request: Request, settings: Settings): string | undefined {
  const cf = (request as Request & { cf?: { country?: unknown } }).cf;
  const raw = typeof cf?.country === 'string' ? cf.country : settings.countryHeader ? headerOf(request, settings.countryHeader) : null;
  const country = raw?.trim().toUpperCase();
  return country && /^[A-Z]{2}$/.test(country) && country !== 'XX' && country !== 'T1' ? country : undefined;
}
