// /private/{key}/feeds/{feed}/{rss.xml|atom.xml|feed.json}: the licensed feed for readers that cannot
// send a header (SPEC §11). The key is the credential; it appears only in the feed's own self and
// paging links, never in an error, a header or a log line.

import type { Caller } from '../access/access.ts';
import { identifyFeedKey } from '../access/feed-keys.ts';
import type { App } from './context.ts';
import { serveFeed } from './feeds.ts';
import { urlsFor } from '../render/view.ts';

/** A capability URL must not leak through Referer from a reader that opens links in a browser view. */
const PRIVATE_HEADERS = Object.freeze({ 'Referrer-Policy': 'no-referrer' });

export function register(app: App): void {
  app.get('/private/:key/feeds/:feed/:file', async (c) => {
    const settings = c.get('settings');
    const state = c.get('state');
    const store = c.get('store');
    const key = c.req.param('key');
    const { identity, use } = await identifyFeedKey(store.db, state.registry, key, c.req.raw, settings, Date.now());
    const caller: Caller = { identity, scheme: 'Bearer', country: c.get('caller').country };
    const feed = c.req.param('feed');
    const urls = urlsFor(settings);
    return serveFeed(c, caller, feed, c.req.param('file'), {
      url: (file) => urls.privateFeed(key, feed, file),
      tag: `key ${identity.token.jti}`,
      headers: PRIVATE_HEADERS,
      use,
    });
  });
}
