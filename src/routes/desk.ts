// /desk, /desk/session and /desk/sign-out (SPEC §12): editors sign in with a license token in a form
// and read the wire in the browser with a __Host- session cookie. Every desk answer is private, no-store.

import { keySourceFor } from '../access/access.ts';
import { entitle, grantedFeeds, identify, isRefusal, PUBLIC, type Identity } from '../access/decide.ts';
import { feedWindow } from '../access/feed-window.ts';
import { statusOf } from '../access/feed-keys.ts';
import { endSession, hasSessionCookie, sessionClearCookie, sessionCookie, sessionSetCookie, startSession } from '../access/sessions.ts';
import { verifyTokenCached } from '../access/token-cache.ts';
import { readBody } from '../http/body.ts';
import { CODES, Problem, type ProblemCode } from '../problem.ts';
import { escapeHtml } from '../render/escape.ts';
import { thisMonth, usageReport } from '../store/usage.ts';
import { deskPage, deskRefusalPage, signInPage, type DeskFeed } from '../render/desk-page.ts';
import { feedKeysOf } from '../store/feed-keys.ts';
import type { App, Ctx } from './context.ts';

const DESK_STORIES = 8;

/** The desk's own pages cannot be framed, load nothing from elsewhere and post only to themselves. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function html(c: Ctx, body: string, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      ...c.get('settings').responseHeaders,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'private, no-store',
      Vary: 'Authorization, Cookie',
      'Content-Security-Policy': CSP,
      'Referrer-Policy': 'same-origin',
      ...extra,
    },
  });
}

/** The licensee's usage this month from the ledger (SPEC §13), by format, as ready markup. */
export async function deskUsage(c: Ctx, licensee: string): Promise<string> {
  const report = await usageReport(c.get('store').db, { ...thisMonth(Date.now()), licensee, group: 'format' });
  const rows = report.groups.map((g) => `<tr><td>${escapeHtml(g.key)}</td><td class="num">${g.deliveries}</td></tr>`).join('');
  const total = `<p><strong>${report.deliveries}</strong> ${report.deliveries === 1 ? 'story' : 'stories'} delivered this month (since ${escapeHtml(report.from.slice(0, 10))}).</p>`;
  // The report's sharing flag (SPEC §11) in words; the keys themselves are listed by label below.
  const flagged = report.flaggedKeys
    ? '<p><span class="tag warn">flagged</span> Some of these stories went to a private feed URL used from many networks (see Private feed URLs).</p>'
    : '';
  return report.deliveries === 0
    ? total
    : `${total}${flagged}<table><thead><tr><th>format</th><th class="num">deliveries</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A POST from another origin is refused (SPEC §12). Browsers send Origin on every form POST; a
 * request without one (curl, an old browser) is judged by SameSite=Strict alone. Sec-Fetch-Site
 * catches a sibling origin of the same site, which SameSite would let through.
 */
function crossOrigin(c: Ctx): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return true;
  if (origin === undefined) return false;
  return origin !== new URL(c.get('settings').publicUrl).origin && origin !== new URL(c.req.url).origin;
}

function refuseCrossOrigin(c: Ctx): Response {
  const { title } = CODES.origin_refused;
  return html(c, deskRefusalPage(c.get('settings').publicUrl, title, 'This form may only be sent from the desk itself.', 'origin_refused'), 403);
}

/** Judges a pasted token as §3 does for the header, plus the license's validity window. */
async function judge(c: Ctx, raw: string): Promise<Identity> {
  const settings = c.get('settings');
  const state = c.get('state');
  const now = Date.now();
  // Editors paste what they were given, sometimes with the scheme in front.
  const token = raw.trim().replace(/^(Bearer|License)\s+/i, '');
  const verified = await verifyTokenCached(token, keySourceFor(settings, state.registry), settings, now);
  const identity = identify(verified, state.registry.licensees.get(verified.sub), state.registry.revoked.has(verified.jti));
  if (isRefusal(identity)) throw new Problem(identity.code);
  const verdict = entitle(identity, { resourceFeeds: null, country: () => undefined, now });
  if (isRefusal(verdict)) throw new Problem(verdict.code);
  return identity;
}

async function signIn(c: Ctx): Promise<Response> {
  if (crossOrigin(c)) return refuseCrossOrigin(c);
  const settings = c.get('settings');
  const store = c.get('store');
  const { bytes } = await readBody(c.req.raw, ['application/x-www-form-urlencoded']);
  const token = new URLSearchParams(new TextDecoder().decode(bytes)).get('token') ?? '';
  let identity: Identity;
  try {
    identity = await judge(c, token);
  } catch (err) {
    const code: ProblemCode = err instanceof Problem ? err.code : 'token_malformed';
    const spec = CODES[code];
    // Fixed texts only: nothing of the pasted token comes back.
    const detail = err instanceof Problem && err.options.detail ? err.options.detail : spec.title;
    const status = spec.status === 503 ? 503 : 401;
    return html(c, signInPage(settings.publicUrl, { refusal: { code, title: spec.title, detail } }), status);
  }
  // Signing in again replaces the browser's session: the one it held ends here.
  await endSession(store.db, sessionCookie(c.req.raw));
  const { value, maxAge } = await startSession(store.db, identity, Date.now());
  return html(c, '', 303, { Location: '/desk', 'Set-Cookie': sessionSetCookie(value, maxAge) });
}

async function desk(c: Ctx): Promise<Response> {
  const caller = c.get('caller');
  const settings = c.get('settings');
  const state = c.get('state');
  const store = c.get('store');
  const identity = caller.identity;
  if (!identity) {
    // A cookie whose session ended: say so, and let the browser forget it.
    const ended = hasSessionCookie(c.req.raw);
    return html(c, signInPage(settings.publicUrl, { ended }), 200, ended ? { 'Set-Cookie': sessionClearCookie() } : {});
  }
  const { licensee, token } = identity;
  const now = Date.now();
  const verdict = entitle(identity, { resourceFeeds: null, country: caller.country, now });
  const feeds: DeskFeed[] = [];
  if (!isRefusal(verdict)) {
    const granted = grantedFeeds(token, licensee);
    const ids = granted.includes('*') ? [...state.feeds.keys()] : granted;
    for (const id of ids) {
      const info = state.feeds.get(id);
      if (!info) continue;
      // Per feed, as a feed request would be judged (territories too): where the license does not
      // reach, the desk lists what the public sees, never an embargoed headline.
      const forFeed = entitle(identity, { resourceFeeds: [id], country: caller.country, now });
      const window = await feedWindow(state, id, isRefusal(forFeed) ? PUBLIC : forFeed, now, 1, DESK_STORIES);
      feeds.push({ id, title: info.title, stories: window.items.map((w) => w.story) });
    }
  }
  const keys = (await feedKeysOf(store.db, licensee.id)).map((k) => ({
    label: k.label,
    feeds: k.feeds,
    status: statusOf(k, now),
    created: k.created,
    lastUsed: k.lastUsed,
    flagged: k.flaggedDay !== null,
  }));
  const blocked = isRefusal(verdict) ? `Your license gives no access right now: ${CODES[verdict.code].title} (${verdict.code}).` : undefined;
  return html(
    c,
    deskPage(settings.publicUrl, {
      name: licensee.name,
      license: licensee.license,
      validUntil: licensee.validUntil,
      ...(blocked ? { blocked } : {}),
      feeds,
      keys,
      usage: await deskUsage(c, licensee.id),
      session: hasSessionCookie(c.req.raw),
    }),
  );
}

async function signOut(c: Ctx): Promise<Response> {
  if (crossOrigin(c)) return refuseCrossOrigin(c);
  await endSession(c.get('store').db, sessionCookie(c.req.raw));
  return html(c, '', 303, { Location: '/desk', 'Set-Cookie': sessionClearCookie() });
}

export function register(app: App): void {
  app.get('/desk', desk);
  app.post('/desk/session', signIn);
  app.post('/desk/sign-out', signOut);
  app.all('/desk', () => {
    throw new Problem('method_not_allowed', { allow: 'GET, HEAD', detail: 'Only GET and HEAD are supported here.' });
  });
  // One static path each, not a regex parameter: Hono's fast RegExpRouter refuses that pattern here and
  // the app would fall back to the slower TrieRouter for every request.
  for (const path of ['/desk/session', '/desk/sign-out']) {
    app.all(path, () => {
      throw new Problem('method_not_allowed', { allow: 'POST', detail: 'Only POST is supported here.' });
    });
  }
}
