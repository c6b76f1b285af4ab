// Atom 1.0 (RFC 4287) with rights, author and an RFC 4946 license link on the feed and every entry.

import { channelRights, itemHtml, rightsStatement, type FeedView, type GoneItem } from './feed-view.ts';
import { escapeHtml } from './escape.ts';
import type { StoryView } from './view.ts';
import { el, xmlDocument, type Xml } from './xml.ts';

export function atomFeed(view: FeedView): string {
  const { feed, links } = view;
  const paging = view.paging('atom.xml');
  return xmlDocument(
    el(
      'feed',
      { xmlns: 'http://www.w3.org/2005/Atom', 'xmlns:at': 'http://purl.org/atompub/tombstones/1.0', 'xml:lang': feed.language },
      el('id', null, links.atom),
      el('title', null, feed.title),
      el('subtitle', null, feed.description),
      el('updated', null, view.updated),
      el('link', { rel: 'self', type: 'application/atom+xml', href: paging.self }),
      el('link', { rel: 'first', type: 'application/atom+xml', href: paging.first }),
      paging.next && el('link', { rel: 'next', type: 'application/atom+xml', href: paging.next }),
      paging.previous && el('link', { rel: 'previous', type: 'application/atom+xml', href: paging.previous }),
      view.hub && el('link', { rel: 'hub', href: view.hub }),
      el('link', { rel: 'alternate', type: 'text/html', href: links.home }),
      el('link', { rel: 'license', href: links.license }),
      el('link', { rel: 'license', type: 'application/rsl+xml', href: links.rsl }),
      el('rights', null, channelRights(view)),
      el('author', null, el('name', null, 'wiregate')),
      el('generator', null, 'wiregate'),
      view.items.map(atomEntry),
      view.gone.map(tombstone),
    ),
  );
}

function atomEntry(item: StoryView): Xml {
  const a = item.attribution;
  return el(
    'entry',
    null,
    el('id', null, a.canonicalUrl),
    el('title', null, item.story.headline),
    el('updated', null, item.story.updated),
    el('published', null, item.story.published),
    el('link', { rel: 'alternate', type: 'text/html', href: a.canonicalUrl }),
    el('link', { rel: 'license', href: a.licenseUrl }),
    el('link', { rel: 'license', type: 'application/rsl+xml', href: a.rslUrl }),
    el('author', null, el('name', null, a.source)),
    el('rights', null, rightsStatement(item)),
    el('summary', { type: 'html' }, item.license ? `<p>${escapeHtml(item.story.body[0] ?? '')}</p>` : itemHtml(item)),
    item.license && el('content', { type: 'html' }, itemHtml(item)),
  );
}

/** RFC 6721: the entry is gone; feed readers and partners should remove their copies. */
function tombstone(gone: GoneItem): Xml {
  return el('at:deleted-entry', { ref: gone.url, when: gone.story.updated }, el('at:comment', { 'xml:lang': 'en' }, gone.note));
}
