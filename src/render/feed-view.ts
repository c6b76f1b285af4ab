// What every feed format is rendered from: the feed, its items' views, links and a fixed timestamp.

import type { FeedDef } from '../catalog/types.ts';
import type { OperatorTerms } from '../rights/terms.ts';
import type { Settings } from '../settings.ts';
import { escapeHtml as h } from './escape.ts';
import { EXCERPT_NOTE, urlsFor, type StoryView } from './view.ts';

export interface FeedView {
  readonly feed: FeedDef;
  readonly items: readonly StoryView[];
  readonly tier: 'public' | 'licensed';
  readonly terms: OperatorTerms;
  readonly links: { readonly home: string; readonly license: string; readonly rss: string; readonly atom: string; readonly json: string };
  /** The newest `updated` among the items: output never depends on the clock. */
  readonly updated: string;
}

const EPOCH = '1970-01-01T00:00:00Z';

export function feedView(feed: FeedDef, items: readonly StoryView[], terms: OperatorTerms, settings: Settings): FeedView {
  const urls = urlsFor(settings);
  const updated = items.reduce((max, v) => (v.story.updated > max ? v.story.updated : max), EPOCH);
  return {
    feed,
    items,
    tier: items.some((v) => v.tier === 'licensed') ? 'licensed' : 'public',
    terms,
    links: {
      home: `${urls.base}/`,
      license: urls.license,
      rss: urls.feed(feed.id, 'rss.xml'),
      atom: urls.feed(feed.id, 'atom.xml'),
      json: urls.feed(feed.id, 'feed.json'),
    },
    updated,
  };
}

/** "Copyright 2021 Associated Press. All rights reserved. This material may not… Rights holder: …" */
export function rightsStatement(view: StoryView): string {
  const a = view.attribution;
  return `${a.copyrightNotice} ${a.usageTerms} Rights holder: ${a.rightsHolder}.`;
}

/** The feed-level rights line: each distinct holder's notice, in item order. */
export function channelRights(view: FeedView): string {
  const notices = [...new Set(view.items.map((v) => v.attribution.copyrightNotice))];
  return notices.length > 0 ? notices.join(' ') : 'Each item carries its own rights statement.';
}

/** The HTML an item carries: its paragraphs, then the excerpt or license notice and attribution. */
export function itemHtml(view: StoryView): string {
  const a = view.attribution;
  const paragraphs = view.paragraphs.map((p) => `<p>${h(p)}</p>`).join('');
  const notice = view.license
    ? `<p>${h(view.license.line)} Receipt: ${h(view.license.receipt)}</p>`
    : `<p><em>${h(EXCERPT_NOTE)}</em> <a href="${h(a.licenseUrl)}">License terms</a>.</p>`;
  const attribution = `<p>Source: ${h(a.source)}. ${h(rightsStatement(view))} <a href="${h(a.canonicalUrl)}">${h(a.canonicalUrl)}</a></p>`;
  return paragraphs + notice + attribution;
}

/** The same, as plain text (JSON Feed `content_text`). */
export function itemText(view: StoryView): string {
  const a = view.attribution;
  const notice = view.license ? `${view.license.line} Receipt: ${view.license.receipt}` : `${EXCERPT_NOTE} License terms: ${a.licenseUrl}`;
  return [...view.paragraphs, notice, `Source: ${a.source}. ${rightsStatement(view)} ${a.canonicalUrl}`].join('\n\n');
}

export function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}
