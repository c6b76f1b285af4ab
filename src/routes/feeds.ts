// /feeds/{feed}/rss.xml, atom.xml and feed.json: one feed, three formats, one decision.

import type { GatewayData } from '../data.ts';
import { Problem } from '../http/problem.ts';
import { represent } from '../http/respond.ts';
import { atomFeed } from '../render/feed-atom.ts';
import { jsonFeed } from '../render/feed-json.ts';
import { rssFeed } from '../render/feed-rss.ts';
import { feedView, type FeedView } from '../render/feed-view.ts';
import { tdmHeaders } from '../rights/signals.ts';
import { decisionFor, onlyGet, viewFor, type App } from './context.ts';

const FORMATS: Record<string, { type: string; render: (v: FeedView) => string }> = {
  'rss.xml': { type: 'application/rss+xml; charset=utf-8', render: rssFeed },
  'atom.xml': { type: 'application/atom+xml; charset=utf-8', render: atomFeed },
  'feed.json': { type: 'application/feed+json; charset=utf-8', render: jsonFeed },
};

export function register(app: App, data: GatewayData): void {
  app.get('/feeds/:feed/:file', async (c) => {
    const feed = data.catalog.feeds.get(c.req.param('feed'));
    const format = Object.hasOwn(FORMATS, c.req.param('file')) ? FORMATS[c.req.param('file')] : undefined;
    if (!feed || !format) throw new Problem('not_found', { detail: 'No such feed.' });
    const decision = await decisionFor(c, data, [feed.id]);
    const settings = c.var.settings;
    const items = await Promise.all(data.catalog.storiesOf(feed.id).map((story) => viewFor(story, decision, settings)));
    const view = feedView(feed, items, data.registry.terms, settings);
    return represent(c, settings, { body: format.render(view), type: format.type, decision, lastModified: view.updated, headers: tdmHeaders(settings) });
  });
  onlyGet(app, '/feeds/:feed/:file');
}
