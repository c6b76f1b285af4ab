// /feeds/{feed}/rss.xml, atom.xml and feed.json: one feed, three formats, one decision, paged (RFC 5005).

import { feedWindow } from '../access/feed-window.ts';
import { effectiveUpdated } from '../access/lifecycle.ts';
import { Problem } from '../problem.ts';
import { rendered, type CredentialUse } from '../http/respond.ts';
import { atomFeed } from '../render/feed-atom.ts';
import { jsonFeed } from '../render/feed-json.ts';
import { rssFeed } from '../render/feed-rss.ts';
import { feedView, type FeedView } from '../render/feed-view.ts';
import { tdmHeaders } from '../rights/signals.ts';
import { fillTemplate, receiptPlaceholder, receiptTemplate } from '../http/receipt-template.ts';
import { decideFor, type Caller } from '../access/access.ts';
import { FEED_FILES, FEED_FORMATS, type FeedFile } from './table.ts';
import { cached, cachesOf, maxAgeUntil, receiptSecret, viewFor, type App, type Ctx } from './context.ts';
import { receiptedStories } from '../access/receipt.ts';

/** Each format of the route table's list: its writer, and the name the ledger records it under. */
const WRITERS: Record<FeedFile, { name: string; render: (v: FeedView) => string }> = {
  'rss.xml': { name: 'rss', render: rssFeed },
  'atom.xml': { name: 'atom', render: atomFeed },
  'feed.json': { name: 'jsonfeed', render: jsonFeed },
};
const FORMATS: Record<string, { type: string; name: string; render: (v: FeedView) => string }> = Object.fromEntries(
  FEED_FORMATS.map((f) => [f.file, { type: `${f.type}; charset=utf-8`, ...WRITERS[f.file] }]),
);

const PAGE = /^[1-9]\d{0,5}$/;
/** A feed that exists asked for in a format that does not: name the ones that do. */
const FORMAT_HINT = `No such feed format; this feed is served as ${FEED_FILES.join(', ')}.`;

export function register(app: App): void {
  app.get('/feeds/:feed/:file', (c) => serveFeed(c, c.get('caller'), c.req.param('feed'), c.req.param('file')));
}

/** A feed served at another URL (a private feed, SPEC §11): its own self and paging links, its own cache entries. */
export interface FeedAddress {
  /** The URL of this feed in `file` format, for self and paging links. */
  readonly url: (file: string) => string;
  /** Names the address in cache keys (never the secret in the URL). */
  readonly tag: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The credential's bookkeeping of this poll (a feed key's sharing watch), run around the ledger's count. */
  readonly use?: CredentialUse;
}

/** One feed page in one format for `caller`: shared by /feeds/… and /private/{key}/feeds/…. */
export async function serveFeed(c: Ctx, caller: Caller, feedId: string, file: string, address?: FeedAddress): Promise<Response> {
  const settings = c.get('settings');
  const state = c.get('state');
  const feed = state.feeds.get(feedId);
  const format = Object.hasOwn(FORMATS, file) ? FORMATS[file] : undefined;
  const pageParam = c.req.query('page');
  if (!feed || !format || (pageParam !== undefined && !PAGE.test(pageParam))) {
    throw new Problem('not_found', { detail: feed && !format ? FORMAT_HINT : 'No such feed.' });
  }
  const page = Number(pageParam ?? '1');
  const now = Date.now();
  const decision = decideFor(caller, [feed.id], now);
  // Which stories a page shows changes only at embargo releases: the next one is part of the key.
  const nextRelease = await state.nextRelease(feed.id, now);
  const page_ = `${feed.id} ${page} ${file} ${nextRelease ?? '-'}${address ? ` at ${address.tag}` : ''}`;
  // Renders the page; licensed pages get a placeholder per item where its receipt goes.
  const render = async () => {
    const window = await feedWindow(state, feed.id, decision, now, page, settings.feedItems);
    if (page > 1 && window.items.length === 0) throw new Problem('not_found', { detail: 'No such feed page.' });
    const items = await Promise.all(window.items.map(({ story, presence }, i) => viewFor(story, decision, settings, presence, receiptPlaceholder(i))));
    const view = feedView(feed, items, state.registry.terms, settings, {
      tier: decision.tier,
      page,
      hasNext: window.hasNext,
      gone: window.gone,
      updatedOf: (story) => effectiveUpdated(story, now),
      ...(address ? { feedUrl: address.url } : {}),
    });
    return { body: format.render(view), updated: view.updated, stories: window.items.map((w) => w.story) };
  };
  const delivery = {
    decision,
    at: now,
    maxAge: maxAgeUntil(settings, nextRelease, now),
    headers: { ...tdmHeaders(settings), ...address?.headers },
    ...(address?.use ? { use: address.use } : {}),
  };
  if (decision.tier !== 'licensed') {
    return cached(
      c,
      `feed ${page_} public`,
      async () => {
        const { body, updated } = await render();
        return rendered(body, format.type, updated);
      },
      delivery,
    );
  }
  const { templates } = cachesOf(state, settings);
  // Each token's copy is filled from its licensee's template, and not kept: a copy per token (a 50-item
  // page is near 300 KB) would soon fill the render cache and push out what is worth keeping, and
  // the same token asking again is mostly served its kept answer (http/kept-answers.ts).
  return cached(
    c,
    null,
    async () => {
      // What a licensee's page holds depends on the licensee (embargo access), not on the token.
      const template = await templates.get(`feed ${page_} ${decision.licensee.id}`, async () => {
        const { body, updated, stories } = await render();
        return receiptTemplate(body, format.type, updated, stories);
      });
      const items = await receiptedStories(receiptSecret(settings), decision.token, template.stories);
      return fillTemplate(template, items);
    },
    delivery,
    format.name,
  );
}
