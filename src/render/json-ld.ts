// schema.org NewsArticle JSON-LD for the story page; articleBody holds only what the view allows.

import type { StoryView } from './view.ts';

export function newsArticle(view: StoryView): Record<string, unknown> {
  const { story, attribution: a } = view;
  const year = /\b(1[89]\d\d|2\d\d\d)\b/.exec(a.copyrightNotice)?.[1] ?? story.published.slice(0, 4);
  const holder = { '@type': 'Organization', name: a.rightsHolder };
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    '@id': a.canonicalUrl,
    url: a.canonicalUrl,
    mainEntityOfPage: a.canonicalUrl,
    headline: story.headline,
    datePublished: story.published,
    dateModified: story.updated,
    ...(story.dateline ? { dateline: story.dateline } : {}),
    author: { '@type': 'Organization', name: a.source },
    sourceOrganization: { '@type': 'Organization', name: a.source },
    copyrightHolder: holder,
    copyrightYear: Number(year),
    copyrightNotice: a.copyrightNotice,
    creditText: a.source,
    license: a.rslUrl,
    acquireLicensePage: a.licenseUrl,
    usageInfo: a.licenseUrl,
    isAccessibleForFree: false,
    articleBody: view.paragraphs.join('\n\n'),
  };
}

/** JSON inside <script> must not be able to close it: escape <, > and & as JSON unicode escapes. */
export function jsonLdScript(value: unknown): string {
  const json = JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/ld+json">${json}</script>`;
}
