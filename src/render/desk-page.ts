// The licensee desk in HTML (SPEC §12): the sign-in form, the desk itself, and refusals as pages.
// A working tool: sans-serif, dense but calm, one column at 390 px, native controls for the keyboard.

import type { Story } from '../catalog/types.ts';
import { escapeHtml as h } from './escape.ts';
import { humanDate, page } from './html-page.ts';

const STYLE = `<style>
main:has(> .desk){font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:16px}
main:has(> .desk.wide){max-width:68rem}
.desk h1{font-size:1.6rem;margin:.2rem 0}.desk h2{font-size:1.05rem;text-transform:uppercase;letter-spacing:.06em;color:#444;margin:2.2rem 0 .8rem;border-bottom:2px solid #1b1b1b;padding-bottom:.3rem}
.desk .bar{display:flex;flex-wrap:wrap;gap:.75rem 1.5rem;align-items:center;justify-content:space-between}
.desk .who p{margin:.1rem 0;color:#555}
.desk button{font:600 15px system-ui,sans-serif;padding:.55rem 1rem;border:2px solid #1b1b1b;border-radius:4px;background:#fff;color:#1b1b1b;cursor:pointer}
.desk button.primary{background:#8a1c1c;border-color:#8a1c1c;color:#fff}
.desk button:hover{background:#1b1b1b;color:#fff}
.desk :focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.desk .feeds{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,19rem),1fr));gap:1.25rem}
.desk .feed{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem 1.1rem}
.desk .feed h3{margin:0 0 .6rem;font-size:1.05rem}
.desk .stories{list-style:none;margin:0;padding:0}
.desk .stories li{padding:.5rem 0;border-top:1px solid #eee}
.desk .stories a{color:#1b1b1b;font-weight:600;text-decoration:none;line-height:1.35}
.desk .stories a:hover,.desk .stories a:focus-visible{text-decoration:underline}
.desk .stories .when{display:block;color:#666;font-size:13px;margin-top:.15rem}
.desk .empty{color:#666;font-style:italic}
.desk table{width:100%;font-size:14px}.desk th{font-weight:600;color:#444}
.desk .tag{display:inline-block;font-size:12px;font-weight:600;padding:.05rem .45rem;border-radius:3px;background:#e7f4ea;color:#1e5b22}
.desk .tag.warn{background:#fff4d6;color:#6b4e00}.desk .tag.off{background:#eee;color:#555}
.desk .scroll{overflow-x:auto}
.desk form.signin{display:grid;gap:.6rem;margin-bottom:1.5rem}
.desk label{font-weight:600}
.desk textarea{font:14px/1.4 ui-monospace,Menlo,Consolas,monospace;width:100%;box-sizing:border-box;min-height:8rem;padding:.6rem;border:2px solid #888;border-radius:4px;word-break:break-all}
.desk .hint{color:#555;font-size:14px;margin:0}
.desk .error{background:#fde8e8;border-left:4px solid #b3261e;padding:.7rem .9rem}
.desk .note{background:#f1f1f1;padding:.7rem .9rem}
</style>
`;

/** `wide`: the desk itself (a grid of feeds); forms and refusals keep the reading width. */
function shell(base: string, title: string, body: string, wide = false): string {
  return page({
    title,
    base,
    head: `<meta name="robots" content="noindex, nofollow">\n${STYLE}`,
    main: `<div class="desk${wide ? ' wide' : ''}">\n${body}\n</div>`,
  });
}

export interface SignInFacts {
  /** The refusal that sent the editor back here (a §4 code and its fixed texts), if any. */
  readonly refusal?: { readonly code: string; readonly title: string; readonly detail: string };
  /** A session cookie came with the request but its session has ended. */
  readonly ended?: boolean;
}

export function signInPage(base: string, facts: SignInFacts = {}): string {
  const refusal = facts.refusal
    ? `<p class="error" role="alert"><strong>Sign-in refused: ${h(facts.refusal.title)}.</strong> ${h(facts.refusal.detail)} (code <code>${h(facts.refusal.code)}</code>)</p>`
    : '';
  const ended = facts.ended ? `<p class="note" role="status">Your desk session has ended. Sign in again to keep reading.</p>` : '';
  return shell(
    base,
    'Sign in — wiregate desk',
    `<h1>Licensee desk</h1>
<p>For editors at partner newsrooms: read the full wire in this browser, see your feeds and your private feed URLs.</p>
${refusal}${ended}<form class="signin" method="post" action="/desk/session">
<label for="token">License token</label>
<textarea id="token" name="token" required autofocus autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="token-hint"></textarea>
<p class="hint" id="token-hint">Paste the license token your agency issued. It is checked once and not kept: this browser gets a session of at most 12 hours, and never longer than the token itself.</p>
<div><button class="primary" type="submit">Sign in</button></div>
</form>
<p class="hint">Not a partner yet? Read the <a href="${h(base)}/license">license terms</a>.</p>`,
  );
}

export interface DeskFeed {
  readonly id: string;
  readonly title: string;
  readonly stories: readonly Story[];
}

export interface DeskKey {
  readonly label: string;
  readonly feeds: readonly string[];
  readonly status: string;
  readonly created: string;
  readonly lastUsed: string | null;
  readonly flagged: boolean;
}

export interface DeskFacts {
  readonly name: string;
  readonly license: string;
  readonly validUntil: string;
  /** Why the license gives nothing right now (validity window), if it does not. */
  readonly blocked?: string;
  readonly feeds: readonly DeskFeed[];
  readonly keys: readonly DeskKey[];
  /** Ready markup for "Usage this month" (SPEC §13), or undefined while the ledger cannot say. */
  readonly usage: string | undefined;
  /** Signed in with a session (so there is one to end), rather than an Authorization header. */
  readonly session: boolean;
}

export function deskPage(base: string, d: DeskFacts): string {
  const signOut = d.session ? `<form method="post" action="/desk/sign-out"><button type="submit">Sign out</button></form>` : '';
  const blocked = d.blocked ? `<p class="error" role="alert">${h(d.blocked)}</p>` : '';
  const feeds =
    d.feeds.length === 0
      ? '<p class="empty">Your license names no feed with stories yet.</p>'
      : `<div class="feeds">\n${d.feeds.map(feedCard).join('\n')}\n</div>`;
  return shell(
    base,
    `${d.name} — wiregate desk`,
    `<div class="bar">
<div class="who"><h1>${h(d.name)}</h1><p>License ${h(d.license)} · valid until ${h(humanDate(d.validUntil))}</p></div>
${signOut}
</div>
${blocked}<section aria-labelledby="feeds-h"><h2 id="feeds-h">Your feeds</h2>
${feeds}
</section>
<section aria-labelledby="usage-h"><h2 id="usage-h">Usage this month</h2>
${d.usage ?? '<p class="empty">Usage figures are not available yet.</p>'}
</section>
<section aria-labelledby="keys-h"><h2 id="keys-h">Private feed URLs</h2>
${keysTable(d.keys)}
</section>`,
    true,
  );
}

function feedCard(feed: DeskFeed): string {
  const items =
    feed.stories.length === 0
      ? '<p class="empty">No stories yet.</p>'
      : `<ul class="stories">\n${feed.stories.map((s) => `<li><a href="/articles/${h(s.slug)}">${h(s.headline)}</a><span class="when">${s.dateline ? `${h(s.dateline)} · ` : ''}<time datetime="${h(s.published)}">${h(humanDate(s.published))}</time></span></li>`).join('\n')}\n</ul>`;
  return `<article class="feed" aria-label="${h(feed.title)}"><h3>${h(feed.title)}</h3>\n${items}\n</article>`;
}

function keysTable(keys: readonly DeskKey[]): string {
  const intro =
    '<p class="hint">Feed readers that cannot send a license token poll a private feed URL instead. Your agency issues them; each URL is shown once, when it is issued. Ask for a new one if a URL was shared.</p>';
  if (keys.length === 0) return `${intro}\n<p class="empty">No private feed URLs issued.</p>`;
  const rows = keys.map((k) => {
    const status =
      k.status === 'active'
        ? k.flagged
          ? '<span class="tag warn">flagged: used from many networks</span>'
          : '<span class="tag">active</span>'
        : `<span class="tag off">${h(k.status)}</span>`;
    return `<tr><td>${h(k.label || '(no label)')}</td><td>${h(k.feeds.join(', '))}</td><td>${status}</td><td>${k.lastUsed ? h(humanDate(k.lastUsed)) : 'never'}</td></tr>`;
  });
  return `${intro}\n<div class="scroll"><table>\n<thead><tr><th scope="col">Label</th><th scope="col">Feeds</th><th scope="col">Status</th><th scope="col">Last used</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`;
}

/** A refusal on a desk route (a cross-origin POST), as a page a browser can show. */
export function deskRefusalPage(base: string, title: string, detail: string, code: string): string {
  return shell(
    base,
    `${title} — wiregate desk`,
    `<h1>${h(title)}</h1>\n<p class="error" role="alert">${h(detail)} (code <code>${h(code)}</code>)</p>\n<p><a href="/desk">Back to the desk</a></p>`,
  );
}
