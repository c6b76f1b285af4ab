// The view of a story a decision allows: excerpt or full text, with attribution and license facts.

import type { Decision } from '../access/decide.ts';
import type { Story } from '../catalog/types.ts';
import type { Settings } from '../settings.ts';

export interface Attribution {
  /** The gateway's public base URL, which every link below starts with. */
  readonly baseUrl: string;
  readonly source: string;
  readonly rightsHolder: string;
  readonly copyrightNotice: string;
  readonly usageTerms: string;
  readonly canonicalUrl: string;
  readonly licenseUrl: string;
  /** Machine-readable terms: the RSL document and the TDMRep policy. */
  readonly rslUrl: string;
  readonly tdmPolicyUrl: string;
}

interface ViewBase {
  readonly story: Story;
  readonly attribution: Attribution;
  /** The paragraphs this request may have, verbatim: the excerpt, or the whole body. */
  readonly paragraphs: readonly string[];
}

/** The full text: it cannot be built without its license line and receipt. */
export interface LicensedView extends ViewBase {
  readonly tier: 'licensed';
  readonly license: { readonly line: string; readonly receipt: string };
  /** Set when a licensee with embargo access sees the story before its release instant. */
  readonly embargoedUntil?: string;
}

/** The public excerpt: no license, no receipt. */
export interface ExcerptView extends ViewBase {
  readonly tier: 'public';
  readonly license?: undefined;
  readonly embargoedUntil?: undefined;
}

export type StoryView = LicensedView | ExcerptView;

/** A feed's URL under a base; urlsFor().feed for callers that hold settings, this for those that hold the base. */
export function feedUrl(base: string, id: string, file = ''): string {
  return `${base}/feeds/${id}/${file}`;
}

/** A problem type's page (RFC 9457 `type`), for callers that hold only the base. */
export function problemUrl(base: string, code: string): string {
  return `${base}/problems/${code.replaceAll('_', '-')}`;
}

/** Every public URL the gateway writes: links, headers, robots.txt, RSL, ODRL, feeds, WebSub pings. */
export function urlsFor(settings: Settings): Urls {
  // Made once per settings: renders, private feeds and hub pings ask for them on every call.
  let urls = urlsBySettings.get(settings);
  if (!urls) urlsBySettings.set(settings, (urls = urlsAt(settings.publicUrl)));
  return urls;
}

type Urls = ReturnType<typeof urlsAt>;
const urlsBySettings = new WeakMap<Settings, Urls>();

/** The same, from the public base (for settings, which are being made). */
export function urlsAt(base: string) {
  return {
    base,
    home: `${base}/`,
    feeds: `${base}/feeds/`,
    license: `${base}/license`,
    rsl: `${base}/license.xml`,
    tdmPolicy: `${base}/rights/tdm-policy.jsonld`,
    offer: `${base}/rights/offer.jsonld`,
    operator: `${base}/#operator`,
    article: (slug: string) => `${base}/articles/${slug}`,
    feed: (id: string, file = '') => feedUrl(base, id, file),
    problem: (code: string) => problemUrl(base, code),
    /** A feed key's URL of a feed (SPEC §11): the key is in it, so it is shown once, at issue. */
    privateFeed: (key: string, id: string, file = '') => `${base}/private/${key}/feeds/${encodeURIComponent(id)}/${file}`,
  };
}

export function attributionOf(story: Story, settings: Settings): Attribution {
  const urls = urlsFor(settings);
  return {
    baseUrl: urls.base,
    source: story.source,
    rightsHolder: story.rightsHolder,
    copyrightNotice: story.copyrightNotice,
    usageTerms: story.usageTerms,
    canonicalUrl: urls.article(story.slug),
    licenseUrl: urls.license,
    rslUrl: urls.rsl,
    tdmPolicyUrl: urls.tdmPolicy,
  };
}

/**
 * The leading whole paragraphs within the word budget (SPEC §6), and never more than a quarter
 * of the body's words. At least the first paragraph, unless that alone passes the quarter:
 * then the excerpt is empty rather than most of a short story.
 */
export function excerptLength(body: readonly string[], budget: number): number {
  const counts = body.map(wordCount);
  const total = counts.reduce((a, b) => a + b, 0);
  const cap = Math.floor(total / 4);
  let words = 0;
  let n = 0;
  for (const count of counts) {
    if (words + count > cap || (n > 0 && words + count > budget)) break;
    words += count;
    n++;
  }
  return n;
}

function wordCount(paragraph: string): number {
  return paragraph.split(/\s+/).filter(Boolean).length;
}

export function licenseLine(name: string, license: string): string {
  return `Licensed to ${name} under ${license}. Not for redistribution beyond the terms of that license.`;
}

/** The full text for a licensed decision; the receipt is required (the caller computes it: it needs the secret). */
export function licensedView(
  story: Story,
  decision: Decision & { tier: 'licensed' },
  settings: Settings,
  receipt: string,
  embargoedUntil?: string,
): LicensedView {
  const { licensee } = decision;
  return {
    story,
    attribution: attributionOf(story, settings),
    tier: 'licensed',
    paragraphs: story.body,
    license: { line: licenseLine(licensee.name, licensee.license), receipt },
    ...(embargoedUntil ? { embargoedUntil } : {}),
  };
}

/** The public excerpt (SPEC §6). */
export function excerptView(story: Story, settings: Settings): ExcerptView {
  return {
    story,
    attribution: attributionOf(story, settings),
    tier: 'public',
    paragraphs: story.body.slice(0, excerptLength(story.body, settings.excerptWords)),
  };
}

export const EXCERPT_NOTE = 'This is an excerpt. The full story is available to licensed partners only.';

/** The notes that go before the story in every format: embargo, then correction (plain text). */
export function leadNotes(view: StoryView): string[] {
  const notes: string[] = [];
  if (view.embargoedUntil) notes.push(embargoNote(view.embargoedUntil));
  if (view.story.correction) notes.push(`Correction (version ${view.story.version}): ${view.story.correction}`);
  return notes;
}

export function embargoNote(until: string): string {
  return `EMBARGOED: not for publication, broadcast or posting before ${until}.`;
}

export function goneNote(status: 'canceled' | 'withheld', notice: string): string {
  const what = status === 'canceled' ? 'KILLED: do not publish, and remove every copy.' : 'WITHHELD: do not publish until further notice.';
  return notice ? `${what} ${notice}` : what;
}
