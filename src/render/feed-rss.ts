// RSS 2.0 with Dublin Core rights and creator per item, and full text in content:encoded when licensed.

import { channelRights, itemHtml, rfc822, rightsStatement, type FeedView, type GoneItem } from './feed-view.ts';
import { el, xmlDocument } from './xml.ts';
import { RSL_NAMESPACE, rslContent } from '../rights/rsl.ts';
import { escapeHtml } from './escape.ts';
import type { StoryView } from './view.ts';

export function rssFeed(view: FeedView): string {
  const { feed, links } = view;
  const paging = view.paging('rss.xml');
  const channel = el(
    'channel',
    null,
    el('title', null, feed.title),
    el('link', null, links.home),
    el('description', null, feed.description),
    el('language', null, feed.language),
    el('copyright', null, channelRights(view)),
    el('lastBuildDate', null, rfc822(view.updated)),
    el('generator', null, 'wiregate'),
    el('atom:link', { href: paging.self, rel: 'self', type: 'application/rss+xml' }),
    el('atom:link', { href: paging.first, rel: 'first', type: 'application/rss+xml' }),
    paging.next && el('atom:link', { href: paging.next, rel: 'next', type: 'application/rss+xml' }),
    paging.previous && el('atom:link', { href: paging.previous, rel: 'previous', type: 'application/rss+xml' }),
    view.hub && el('atom:link', { href: view.hub, rel: 'hub' }),
    el('atom:link', { href: links.license, rel: 'license' }),
    el('atom:link', { href: links.rsl, rel: 'license', type: 'application/rsl+xml' }),
    view.items.map((item) => rssItem(item, view)),
    view.tier === 'licensed' && view.gone.map((gone) => advisoryItem(gone, view)),
  );
  return xmlDocument(
    el(
      'rss',
      {
        version: '2.0',
        'xmlns:atom': 'http://www.w3.org/2005/Atom',
        'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
        'xmlns:dcterms': 'http://purl.org/dc/terms/',
        'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
        'xmlns:rsl': RSL_NAMESPACE,
      },
      channel,
    ),
  );
}

function rssItem(item: StoryView, view: FeedView): ReturnType<typeof el> {
  const a = item.attribution;
  // Readers show description when they ignore content:encoded; licensed items lead with the lede there.
  const description = item.license ? `<p>${escapeHtml(item.story.body[0] ?? '')}</p>` : itemHtml(item);
  return el(
    'item',
    null,
    el('title', null, item.story.headline),
    el('link', null, a.canonicalUrl),
    el('guid', { isPermaLink: 'true' }, a.canonicalUrl),
    el('pubDate', null, rfc822(item.story.published)),
    el('description', null, description),
    item.license && el('content:encoded', null, itemHtml(item)),
    el('dc:creator', null, a.source),
    el('dc:rights', null, rightsStatement(item)),
    el('dcterms:rightsHolder', null, a.rightsHolder),
    el('atom:link', { href: a.licenseUrl, rel: 'license' }),
    el('source', { url: view.links.rss }, a.source),
    rslContent({ url: a.canonicalUrl, rightsHolder: a.rightsHolder, terms: view.terms, termsUrl: a.licenseUrl, prefix: 'rsl:' }),
  );
}

/** For licensees: a kill or withhold advisory in place of the story, so partners take their copies down. */
function advisoryItem(gone: GoneItem, view: FeedView): ReturnType<typeof el> {
  return el(
    'item',
    null,
    el('title', null, `${gone.story.status === 'canceled' ? 'KILL' : 'WITHHOLD'}: ${gone.story.headline}`),
    el('link', null, gone.url),
    el('guid', { isPermaLink: 'false' }, `${gone.url}#${gone.story.status}-v${gone.story.version}`),
    el('pubDate', null, rfc822(gone.story.updated)),
    el('description', null, `<p><strong>${escapeHtml(gone.note)}</strong></p>`),
    el('dc:rights', null, `${gone.story.copyrightNotice} ${gone.story.usageTerms}`),
    rslContent({ url: gone.url, rightsHolder: gone.story.rightsHolder, terms: view.terms, termsUrl: view.links.license, prefix: 'rsl:' }),
  );
}
