// The story as an HTML page: headline, dateline, excerpt or full text, attribution, how to license.

import { escapeHtml as h } from './escape.ts';
import type { OperatorTerms } from '../rights/terms.ts';
import { feedLinks, humanDate, page } from './html-page.ts';
import { howToLicenseHtml } from './how-to-license.ts';
import { jsonLdScript, newsArticle } from './json-ld.ts';
import { EXCERPT_NOTE, feedUrl, leadNotes, type StoryView } from './view.ts';

export function storyHtml(view: StoryView, terms: OperatorTerms): string {
  const { story, attribution: a } = view;
  const head = [
    `<link rel="canonical" href="${h(a.canonicalUrl)}">`,
    `<link rel="alternate" type="application/json" href="${h(a.canonicalUrl)}.json">`,
    `<link rel="alternate" type="text/plain" href="${h(a.canonicalUrl)}.txt">`,
    ...story.feeds.map((id) => feedLinks(id, `Feed ${id}`, (feed, file) => feedUrl(a.baseUrl, feed, file)).trimEnd()),
    `<meta name="robots" content="${view.tier === 'licensed' ? 'noindex, noarchive' : 'max-snippet:-1, noarchive'}">`,
    '<meta name="tdm-reservation" content="1">',
    `<meta name="tdm-policy" content="${h(a.tdmPolicyUrl)}">`,
    jsonLdScript(newsArticle(view)),
    '',
  ].join('\n');
  const main = `<article>
<p class="kicker">${h(story.source)}</p>
<h1>${h(story.headline)}</h1>
<p class="meta">${story.dateline ? `<span class="dateline">${h(story.dateline)}</span> · ` : ''}<time datetime="${h(story.published)}">${h(humanDate(story.published))}</time>${story.updated !== story.published ? ` · updated <time datetime="${h(story.updated)}">${h(humanDate(story.updated))}</time>` : ''}</p>
${noticeHtml(view)}
<div class="story-body">
${view.paragraphs.map((p) => `<p>${h(p)}</p>`).join('\n')}
</div>
${attributionHtml(view)}
${view.tier === 'public' ? licenseCta(a.licenseUrl, terms) : ''}
</article>`;
  return page({ title: story.headline, base: a.baseUrl, head, main });
}

function noticeHtml(view: StoryView): string {
  const lead = leadNotes(view).map((note) => `<p class="notice"><strong>${h(note)}</strong></p>\n`);
  return lead.join('') + licenseNotice(view);
}

function licenseNotice(view: StoryView): string {
  if (view.license) {
    return `<p class="notice licensed">${h(view.license.line)}<br>Receipt: <code class="receipt">${h(view.license.receipt)}</code></p>`;
  }
  return `<p class="notice excerpt">${h(EXCERPT_NOTE)} <a href="${h(view.attribution.licenseUrl)}">License terms</a>.</p>`;
}

function attributionHtml(view: StoryView): string {
  const a = view.attribution;
  return `<aside class="attribution" aria-label="Attribution">
<dl>
<dt>Source</dt><dd>${h(a.source)}</dd>
<dt>Rights holder</dt><dd>${h(a.rightsHolder)}</dd>
<dt>Copyright</dt><dd>${h(a.copyrightNotice)}</dd>
<dt>Usage terms</dt><dd>${h(a.usageTerms)}</dd>
<dt>Canonical URL</dt><dd><a href="${h(a.canonicalUrl)}">${h(a.canonicalUrl)}</a></dd>
<dt>License</dt><dd><a rel="license" href="${h(a.licenseUrl)}">${h(a.licenseUrl)}</a></dd>
</dl>
</aside>`;
}

function licenseCta(licenseUrl: string, terms: OperatorTerms): string {
  return `<section class="license-cta">
<h2>Want the full story?</h2>
<p><strong>Partner newsrooms:</strong> <a href="/desk">sign in to the licensee desk</a> with your license token to read the full text on this page, or use your private feed URLs in any feed reader.</p>
<p><strong>Everyone else:</strong> this is a free excerpt. Republishing it, or the full story, needs a license; the <a href="${h(licenseUrl)}">license terms</a> say who may use it.</p>
${howToLicenseHtml(terms)}
</section>`;
}
