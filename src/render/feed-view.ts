// What every feed format is rendered from: the feed, its items' views, links and a fixed timestamp.

import type { FeedInfo } from '../catalog/types.ts';
import type { OperatorTerms } from '../rights/terms.ts';
import type { Settings } from '../settings.ts';
import { escapeHtml as h } from './escape.ts';
import type { Story } from '../catalog/types.ts';
import { formatLinks } from '../routes/table.ts';
import { EXCERPT_NOTE, goneNote, leadNotes, urlsFor, type StoryView } from './view.ts';

/** A killed or withheld story as feeds show it: a tombstone (Atom), an advisory for licensees. */
export interface GoneItem {
  readonly story: Story;
  readonly url: string;
  readonly note: string;
}

export interface PageLinks {
  readonly self: string;
  readonly first: string;
  readonly next?: string;
  readonly previous?: string;
}

export interface FeedView {
  readonly feed: FeedInfo;
  readonly items: readonly StoryView[];
  readonly gone: readonly GoneItem[];
  /** RFC 5005 paging links, per format file name ("rss.xml", …). */
  readonly paging: (file: string) => PageLinks;
  readonly page: number;
  /** WebSub hub, when the operator configured one. */
  readonly hub: string | undefined;
  readonly tier: 'public' | 'licensed';
  readonly terms: OperatorTerms;
  readonly links: { readonly home: string; readonly license: string; readonly rsl: string; readonly rss: string; readonly atom: string; readonly json: string };
  /** The newest `updated` among the items: output never depends on the clock. */
  readonly updated: string;
}

const EPOCH = '1970-01-01T00:00:00Z';

export interface FeedPageFacts {
  /** Who asked, not what the page happens to hold: a licensed feed of killed stories still carries advisories. */
  readonly tier: 'public' | 'licensed';
  readonly page: number;
  readonly hasNext: boolean;
  readonly gone: readonly Story[];
  /** When each item last changed for readers (a release instant can be later than `updated`). */
  readonly updatedOf: (story: Story) => string;
  /** Where this feed is served, when not at its public URL (a private feed): self and paging links use it. */
  readonly feedUrl?: (file: string) => string;
}

export function feedView(feed: FeedInfo, items: readonly StoryView[], terms: OperatorTerms, settings: Settings, facts: FeedPageFacts): FeedView {
  const urls = urlsFor(settings);
  const gone = facts.gone.map((story) => ({
    story,
    url: urls.article(story.slug),
    note: goneNote(story.status as 'canceled' | 'withheld', story.notice ?? ''),
  }));
  const updated = [...items.map((v) => facts.updatedOf(v.story)), ...facts.gone.map((s) => s.updated)].reduce((max, u) => (u > max ? u : max), EPOCH);
  const at = facts.feedUrl ?? ((file: string) => urls.feed(feed.id, file));
  const pageUrl = (file: string, page: number) => `${at(file)}${page > 1 ? `?page=${page}` : ''}`;
  return {
    feed,
    items,
    gone,
    page: facts.page,
    paging: (file) => ({
      self: pageUrl(file, facts.page),
      first: pageUrl(file, 1),
      ...(facts.hasNext ? { next: pageUrl(file, facts.page + 1) } : {}),
      ...(facts.page > 1 ? { previous: pageUrl(file, facts.page - 1) } : {}),
    }),
    hub: settings.websubHub,
    tier: facts.tier,
    terms,
    links: {
      home: urls.home,
      license: urls.license,
      rsl: urls.rsl,
      ...formatLinks((file) => urls.feed(feed.id, file)),
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
  const lead = leadNotes(view)
    .map((note) => `<p><strong>${h(note)}</strong></p>`)
    .join('');
  const attribution = `<p>Source: ${h(a.source)}. ${h(rightsStatement(view))} <a href="${h(a.canonicalUrl)}">${h(a.canonicalUrl)}</a></p>`;
  return lead + paragraphs + notice + attribution;
}

/** The same, as plain text (JSON Feed `content_text`). */
export function itemText(view: StoryView): string {
  const a = view.attribution;
  const notice = view.license ? `${view.license.line} Receipt: ${view.license.receipt}` : `${EXCERPT_NOTE} License terms: ${a.licenseUrl}`;
  const lead = leadNotes(view);
  return [...lead, ...view.paragraphs, notice, `Source: ${a.source}. ${rightsStatement(view)} ${a.canonicalUrl}`].join('\n\n');
}

export function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}
