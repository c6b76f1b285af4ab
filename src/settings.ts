// Runtime settings (SPEC §8), read once per bindings object from Workers vars or the Node environment.

import { urlsAt } from './render/view.ts';

export interface Bindings {
  readonly WIREGATE_PUBLIC_URL?: string;
  readonly WIREGATE_ISSUER?: string;
  readonly WIREGATE_AUDIENCE?: string;
  readonly WIREGATE_JWKS_URL?: string;
  readonly WIREGATE_JWKS_MAX_STALE_S?: string;
  readonly WIREGATE_COUNTRY_HEADER?: string;
  readonly WIREGATE_CLIENT_IP_HEADER?: string;
  readonly WIREGATE_RECEIPT_SECRET?: string;
  readonly WIREGATE_ALGORITHMS?: string;
  readonly WIREGATE_MAX_TOKEN_DAYS?: string;
  readonly WIREGATE_EXCERPT_WORDS?: string;
  readonly WIREGATE_PUBLIC_MAX_AGE?: string;
  readonly WIREGATE_FEED_ITEMS?: string;
  readonly WIREGATE_WEBSUB_HUB?: string;
  readonly WIREGATE_RENDER_CACHE_MB?: string;
  readonly WIREGATE_STATE_TTL_MS?: string;
}

export interface Settings {
  readonly publicUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string | undefined;
  /** How long past its cache age a remote key set is still trusted while it cannot be refetched. */
  readonly jwksMaxStaleSeconds: number;
  readonly countryHeader: string | undefined;
  /** The request header trusted to carry the client's address (feed-key sharing detection, SPEC §11). */
  readonly clientIpHeader: string | undefined;
  readonly receiptSecret: string | undefined;
  readonly algorithms: readonly string[];
  readonly maxTokenSeconds: number;
  readonly excerptWords: number;
  readonly publicMaxAge: number;
  /** Items per feed page (RFC 5005 paging for older ones). */
  readonly feedItems: number;
  readonly websubHub: string | undefined;
  /** Bound on the bytes of rendered representations kept in memory (kept answers take up to 5/16 of it more). */
  readonly renderCacheBytes: number;
  /** On Workers, the most a store change may take to reach a request (SPEC §10). */
  readonly stateTtlMs: number;
  /** Headers every response carries (SPEC §6: the license links), built once. */
  readonly responseHeaders: Readonly<Record<string, string>>;
}

/**
 * Default for WIREGATE_JWKS_MAX_STALE_S: a 15-minute outage of the key endpoint (a deploy, a network
 * blip) does not interrupt licensees, and a key the issuer withdrew stops working at most 25 minutes
 * (10 of cache age + 15 stale) after the last successful fetch.
 */
export const DEFAULT_MAX_STALE_S = 900;

const ALLOWED_ALGORITHMS = new Set(['ES256', 'ES384', 'EdDSA', 'Ed25519']);
const cache = new WeakMap<object, Settings>();

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

export function settingsFrom(env: Bindings | undefined): Settings {
  const key = env ?? NO_ENV;
  let settings = cache.get(key);
  if (!settings) {
    settings = parseSettings(key);
    cache.set(key, settings);
  }
  return settings;
}
const NO_ENV: Bindings = {};

function parseSettings(env: Bindings): Settings {
  const publicUrl = (env.WIREGATE_PUBLIC_URL || 'http://localhost:8787').replace(/\/+$/, '');
  if (!isAbsoluteUrl(publicUrl)) throw new SettingsError('WIREGATE_PUBLIC_URL is not an absolute URL');
  const urls = urlsAt(publicUrl);
  const algorithms = (env.WIREGATE_ALGORITHMS || 'ES256,EdDSA').split(/[\s,]+/).filter(Boolean);
  const bad = algorithms.filter((a) => !ALLOWED_ALGORITHMS.has(a));
  if (bad.length > 0 || algorithms.length === 0) {
    throw new SettingsError(`WIREGATE_ALGORITHMS may list only ${[...ALLOWED_ALGORITHMS].join(', ')}`);
  }
  for (const name of ['WIREGATE_JWKS_URL', 'WIREGATE_WEBSUB_HUB'] as const) {
    const value = env[name];
    if (value && !/^https?:\/\/\S+$/.test(value)) throw new SettingsError(`${name} must be an http(s) URL`);
  }
  // Whoever serves the key set can mint tokens: plain http only on this machine's loopback.
  const jwks = env.WIREGATE_JWKS_URL;
  if (jwks && !jwks.startsWith('https://') && !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(jwks)) {
    throw new SettingsError('WIREGATE_JWKS_URL must be https (plain http is allowed for loopback only)');
  }
  return {
    publicUrl,
    issuer: env.WIREGATE_ISSUER || 'wiregate-local',
    audience: env.WIREGATE_AUDIENCE || 'wiregate',
    jwksUrl: env.WIREGATE_JWKS_URL || undefined,
    jwksMaxStaleSeconds: whole(env.WIREGATE_JWKS_MAX_STALE_S, DEFAULT_MAX_STALE_S, 'WIREGATE_JWKS_MAX_STALE_S'),
    countryHeader: env.WIREGATE_COUNTRY_HEADER?.toLowerCase() || undefined,
    clientIpHeader: env.WIREGATE_CLIENT_IP_HEADER?.toLowerCase() || undefined,
    receiptSecret: env.WIREGATE_RECEIPT_SECRET || undefined,
    algorithms,
    maxTokenSeconds: positive(env.WIREGATE_MAX_TOKEN_DAYS, 400, 'WIREGATE_MAX_TOKEN_DAYS') * 86_400,
    excerptWords: positive(env.WIREGATE_EXCERPT_WORDS, 60, 'WIREGATE_EXCERPT_WORDS'),
    publicMaxAge: positive(env.WIREGATE_PUBLIC_MAX_AGE, 60, 'WIREGATE_PUBLIC_MAX_AGE'),
    feedItems: positive(env.WIREGATE_FEED_ITEMS, 50, 'WIREGATE_FEED_ITEMS'),
    websubHub: env.WIREGATE_WEBSUB_HUB || undefined,
    renderCacheBytes: positive(env.WIREGATE_RENDER_CACHE_MB, 32, 'WIREGATE_RENDER_CACHE_MB') * 1024 * 1024,
    stateTtlMs: positive(env.WIREGATE_STATE_TTL_MS, 5000, 'WIREGATE_STATE_TTL_MS'),
    responseHeaders: Object.freeze({
      Link: `<${urls.license}>; rel="license", <${urls.rsl}>; rel="license"; type="application/rsl+xml"`,
      'X-Content-Type-Options': 'nosniff',
    }),
  };
}

function whole(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new SettingsError(`${name} must be a whole number (0 or more)`);
  return n;
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new SettingsError(`${name} must be a positive whole number`);
  return n;
}

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}
