// Turns plain wire text (as scraped) into a story record: headline, dateline, rights, verbatim body.

import type { Story } from '../catalog/types.ts';

export class IngestError extends Error {
  override readonly name = 'IngestError';
}

export interface IngestOptions {
  readonly feed: string;
  /** Publication time (ISO 8601 UTC); wire text scraped from a page rarely carries one. */
  readonly published: string;
  /** Overrides the source named in the copyright line. */
  readonly source?: string;
  /** Overrides the slug made from the headline (e.g. a replacement for a killed story keeps its headline). */
  readonly slug?: string;
}

/** The slug grammar the routes accept (SPEC §1). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Web-page furniture that follows the story on the page it was scraped from. */
const CHROME: readonly RegExp[] = [
  /^leave a (reply|comment)\b/i,
  /^your email address will not be published/i,
  /^required fields are marked/i,
  /^(share|share this|related|related posts?|comments?|advertisement|subscribe|sign up|follow us)\b.{0,40}$/i,
  /^(posted|filed) (in|under)\b/i,
];

const COPYRIGHT = /^(?:copyright|©|\(c\))\s*(\d{4})\s+(.+?)\.(?:\s|$)/i;
const DATELINE = /^([A-Z][A-Za-z.'’ -]{0,40}?(?:,\s*[A-Z][A-Za-z.' ]{0,30})?)\s+(?:–|—|-{1,2})\s+\S/;

/** The slug rule of SPEC §1: lower case, every run of non-alphanumerics becomes one "-". */
export function slugify(headline: string): string {
  return headline
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function ingest(bytes: Uint8Array, options: IngestOptions): Story {
  const text = decode(bytes);
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  if (paragraphs.length === 0) throw new IngestError('the file holds no text');

  const headline = paragraphs.shift()!.trim();
  if (headline.includes('\n') || headline.length > 300) {
    throw new IngestError('the first paragraph is not a one-line headline');
  }
  while (paragraphs[0]?.trim() === headline) paragraphs.shift();
  const { body, rightsLine } = splitTail(paragraphs);
  const rights = COPYRIGHT.exec(rightsLine)!;
  if (body.length === 0) throw new IngestError('the story has a headline but no body');
  if (body.some((p) => p.split('\n').some((line) => COPYRIGHT.test(line.trim())))) {
    throw new IngestError('a copyright line appears inside the body; the story is not one wire item');
  }

  const rightsHolder = rights[2]!.trim();
  const { notice, terms } = splitRights(rightsLine);
  const slug = options.slug ?? slugify(headline);
  if (!slug) throw new IngestError('the headline has no letters or digits to make a slug from');
  if (!SLUG.test(slug)) throw new IngestError(`the slug "${slug}" is not lower-case letters and digits joined by single hyphens`);
  return {
    slug,
    headline,
    dateline: DATELINE.exec(body[0]!)?.[1]?.trim() ?? '',
    published: options.published,
    updated: options.published,
    version: 1,
    status: 'usable',
    source: options.source ?? rightsHolder,
    rightsHolder,
    copyrightNotice: notice,
    usageTerms: terms,
    feeds: [options.feed],
    body,
  };
}

/**
 * The body and the copyright line, with page chrome dropped wherever it sits after the last body
 * paragraph: after the copyright line or before it. The copyright line may follow the last paragraph
 * without a blank line; it is then cut from that paragraph, whose text stays as written.
 */
function splitTail(paragraphs: readonly string[]): { body: string[]; rightsLine: string } {
  const body = [...paragraphs];
  dropChrome(body);
  const lines = body.pop()?.split('\n') ?? [];
  const at = lines.findIndex((line) => COPYRIGHT.test(line.trim()));
  if (at < 0) {
    throw new IngestError('the story does not end with a copyright line ("Copyright YEAR HOLDER. …"); ' + 'text after it must be recognisable page chrome');
  }
  if (at > 0) body.push(lines.slice(0, at).join('\n'));
  dropChrome(body);
  return { body, rightsLine: lines.slice(at).join('\n').trim() };
}

/** Pops trailing chrome lines and paragraphs ("Leave a Reply", "Your email address…") off the end. */
function dropChrome(paragraphs: string[]): void {
  while (paragraphs.length > 0) {
    const lines = paragraphs.at(-1)!.split('\n');
    const kept = lines.length;
    while (lines.length > 0 && (lines.at(-1)!.trim() === '' || CHROME.some((re) => re.test(lines.at(-1)!.trim())))) lines.pop();
    if (lines.length === kept) return;
    paragraphs.pop();
    // Only whole chrome lines go: a paragraph that keeps text is kept exactly as it was up to them.
    if (lines.length > 0) return void paragraphs.push(lines.join('\n'));
  }
}

/** "Copyright 2021 AP. All rights reserved. This material may not…" → notice and usage terms. */
function splitRights(line: string): { notice: string; terms: string } {
  const reserved = /all rights reserved\.?/i.exec(line);
  const cut = reserved ? reserved.index + reserved[0].length : (COPYRIGHT.exec(line)?.[0].trimEnd().length ?? line.length);
  const notice = line.slice(0, cut).trim();
  const terms = line.slice(cut).trim();
  return { notice, terms: terms || 'All rights reserved. Republication requires a license.' };
}

function decode(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new IngestError('the file is empty');
  if (bytes.includes(0)) throw new IngestError('the file is binary (it holds NUL bytes), not wire text');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new IngestError('the file is not UTF-8 text');
  }
  // eslint-disable-next-line no-control-regex
  const controls = text.match(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g)?.length ?? 0;
  if (controls > 0) throw new IngestError(`the file holds ${controls} control character(s); it is not plain wire text`);
  if (text.trim() === '') throw new IngestError('the file holds only white space');
  return text;
}
