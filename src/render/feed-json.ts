// JSON Feed 1.1 with `authors` and a `_rights` extension on the feed and every item.

import { channelRights, itemHtml, itemText, rightsStatement, type FeedView } from './feed-view.ts';
import type { GoneItem } from './feed-view.ts';
import type { StoryView } from './view.ts';

export function jsonFeed(view: FeedView): string {
  const { feed, links } = view;
  const document = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: links.home,
    feed_url: view.paging('feed.json').self,
    ...(view.paging('feed.json').next ? { next_url: view.paging('feed.json').next } : {}),
    ...(view.hub ? { hubs: [{ type: 'WebSub', url: view.hub }] } : {}),
    description: feed.description,
    language: feed.language,
    authors: [{ name: 'wiregate' }],
    _rights: { about: links.license, statement: channelRights(view), license_url: links.license },
    items: [...view.items.map(jsonItem), ...(view.tier === 'licensed' ? view.gone.map(advisoryItem) : [])],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function jsonItem(item: StoryView): Record<string, unknown> {
  const a = item.attribution;
  return {
    id: a.canonicalUrl,
    url: a.canonicalUrl,
    title: item.story.headline,
    content_html: itemHtml(item),
    content_text: itemText(item),
    date_published: item.story.published,
    date_modified: item.story.updated,
    authors: [{ name: a.source }],
    _rights: {
      about: a.licenseUrl,
      source: a.source,
      rights_holder: a.rightsHolder,
      copyright_notice: a.copyrightNotice,
      usage_terms: a.usageTerms,
      statement: rightsStatement(item),
      canonical_url: a.canonicalUrl,
      license_url: a.licenseUrl,
      representation: item.tier === 'licensed' ? 'full' : 'excerpt',
      ...(item.license ? { license: item.license.line, receipt: item.license.receipt } : {}),
    },
  };
}

/** For licensees: a kill or withhold advisory in place of the story. */
function advisoryItem(gone: GoneItem): Record<string, unknown> {
  return {
    id: `${gone.url}#${gone.story.status}-v${gone.story.version}`,
    url: gone.url,
    title: `${gone.story.status === 'canceled' ? 'KILL' : 'WITHHOLD'}: ${gone.story.headline}`,
    content_text: gone.note,
    date_modified: gone.story.updated,
    _wiregate_advisory: {
      status: gone.story.status,
      notice: gone.story.notice ?? '',
      action: gone.story.status === 'canceled' ? 'remove-all-copies' : 'do-not-publish',
    },
  };
}
