// The front door: every feed and story, as JSON for machines and HTML for people.

import type { FeedInfo, Story } from '../catalog/types.ts';
import type { Settings } from '../settings.ts';
import { escapeHtml as h } from './escape.ts';
import { feedLinks, humanDate, page } from './html-page.ts';
import { FEED_FORMATS, formatLinks } from '../routes/table.ts';
import { urlsFor } from './view.ts';

/** `stories` are the newest ones the public may see (embargoed, killed and withheld ones are left out). */
export function indexJson(catalog: { readonly feeds: ReadonlyMap<string, FeedInfo> }, stories: readonly Story[], settings: Settings): Record<string, unknown> {
  const urls = urlsFor(settings);
  return {
    name: 'wiregate',
    license: urls.license,
    feeds: [...catalog.feeds.values()].map((f) => ({
      id: f.id,
      title: f.title,
      description: f.description,
      language: f.language,
      ...formatLinks((file) => urls.feed(f.id, file)),
    })),
    stories: stories.map((s) => ({
      slug: s.slug,
      headline: s.headline,
      // Attribution with every item (SPEC §6): the headline is the agency's copy too.
      source: s.source,
      rightsHolder: s.rightsHolder,
      copyrightNotice: s.copyrightNotice,
      usageTerms: s.usageTerms,
      published: s.published,
      updated: s.updated,
      feeds: s.feeds,
      url: urls.article(s.slug),
    })),
  };
}

export function indexHtml(catalog: { readonly feeds: ReadonlyMap<string, FeedInfo> }, stories: readonly Story[], settings: Settings): string {
  const urls = urlsFor(settings);
  const feeds = [...catalog.feeds.values()]
    .map(
      (f) =>
        `<tr><td><strong>${h(f.title)}</strong><br>${h(f.description)}</td><td>${FEED_FORMATS.map((format) => `<a href="${h(urls.feed(f.id, format.file))}">${format.label}</a>`).join(' · ')}</td></tr>`,
    )
    .join('\n');
  const list = stories
    .map(
      (s) =>
        `<li><a href="${h(urls.article(s.slug))}">${h(s.headline)}</a> <span class="meta">— ${h(s.source)}, ${h(humanDate(s.published))}. ${h(s.copyrightNotice)} ${h(s.usageTerms)}</span></li>`,
    )
    .join('\n');
  const main = `<h1>Wire stories</h1>
<p>Excerpts are free to read. Licensed partner newsrooms receive full text with a license token. <a href="${h(urls.license)}">License terms</a>.</p>
<h2>Feeds</h2>
<table>
${feeds}
</table>
<h2>Stories</h2>
<ul>
${list}
</ul>`;
  const head = [...catalog.feeds.values()].map((f) => feedLinks(f.id, f.title, urls.feed)).join('');
  return page({ title: 'wiregate — wire stories', base: urls.base, head, main });
}
