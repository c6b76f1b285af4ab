// Loads and validates feeds/ (stories and feed definitions) into an indexed, immutable catalog.

import { FieldReader, ID, SLUG, parseJson } from './fields.ts';
import type { DataFile, DataProblem, FeedDef, Story } from './types.ts';

export interface Catalog {
  readonly stories: ReadonlyMap<string, Story>;
  readonly feeds: ReadonlyMap<string, FeedDef>;
  /** Stories of a feed in feed order (the feed file lists them newest first). */
  storiesOf(feedId: string): readonly Story[];
}

const STORY_FIELDS = [
  'slug', 'headline', 'dateline', 'published', 'updated', 'version', 'source', 'rightsHolder',
  'copyrightNotice', 'usageTerms', 'feeds', 'body',
] as const;
const FEED_FIELDS = ['id', 'title', 'description', 'language', 'stories'] as const;

/** Story files live in feeds/stories/<slug>.json; feed files are feeds/<id>.json. */
export function isStoryPath(path: string): boolean {
  return path.startsWith('stories/');
}

export function loadCatalog(files: readonly DataFile[]): { catalog: Catalog; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  const stories = new Map<string, Story>();
  const feeds = new Map<string, FeedDef>();
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!file.path.endsWith('.json')) continue;
    const reader = new FieldReader(`feeds/${file.path}`);
    const raw = parseJson(reader, file.text);
    if (raw !== undefined) {
      if (isStoryPath(file.path)) addStory(reader, raw, file.path, stories);
      else addFeed(reader, raw, file.path, feeds);
    }
    problems.push(...reader.problems);
  }
  problems.push(...crossCheck(stories, feeds));
  const byFeed = new Map<string, Story[]>();
  for (const feed of feeds.values()) {
    byFeed.set(feed.id, feed.stories.flatMap((slug) => stories.get(slug) ?? []));
  }
  const catalog: Catalog = { stories, feeds, storiesOf: (id) => byFeed.get(id) ?? [] };
  return { catalog, problems };
}

function addStory(reader: FieldReader, raw: unknown, path: string, into: Map<string, Story>): void {
  const obj = reader.object(raw);
  if (!obj) return;
  reader.unknownFields(obj, STORY_FIELDS);
  const slug = reader.string(obj, 'slug', { pattern: SLUG });
  if (slug && path !== `stories/${slug}.json`) reader.error('slug', `must match the file name (stories/${slug}.json)`);
  const version = obj['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    reader.error('version', 'must be a whole number of at least 1');
  }
  const body = reader.strings(obj, 'body') ?? [];
  if (body.length === 0) reader.error('body', 'must hold at least one paragraph');
  body.forEach((p, i) => {
    if (p.trim() === '') reader.error(`body[${i}]`, 'must not be empty');
  });
  const story: Story = {
    slug,
    headline: reader.string(obj, 'headline'),
    dateline: reader.string(obj, 'dateline', { optional: true }),
    published: reader.timestamp(obj, 'published'),
    updated: reader.timestamp(obj, 'updated'),
    version: typeof version === 'number' ? version : 1,
    source: reader.string(obj, 'source'),
    rightsHolder: reader.string(obj, 'rightsHolder'),
    copyrightNotice: reader.string(obj, 'copyrightNotice'),
    usageTerms: reader.string(obj, 'usageTerms'),
    feeds: reader.strings(obj, 'feeds', { pattern: ID }) ?? [],
    body,
  };
  if (story.published && story.updated && story.updated < story.published) {
    reader.error('updated', 'must not be earlier than published');
  }
  if (reader.problems.some((p) => p.severity === 'error')) return;
  if (into.has(slug)) reader.error('slug', `duplicates another story's slug "${slug}"`);
  else into.set(slug, deepFreeze(story));
}

function addFeed(reader: FieldReader, raw: unknown, path: string, into: Map<string, FeedDef>): void {
  const obj = reader.object(raw);
  if (!obj) return;
  reader.unknownFields(obj, FEED_FIELDS);
  const id = reader.string(obj, 'id', { pattern: ID });
  if (id && path !== `${id}.json`) reader.error('id', `must match the file name (${id}.json)`);
  const feed: FeedDef = {
    id,
    title: reader.string(obj, 'title'),
    description: reader.string(obj, 'description'),
    language: reader.string(obj, 'language', { pattern: /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/ }),
    stories: reader.strings(obj, 'stories', { pattern: SLUG }) ?? [],
  };
  if (reader.problems.some((p) => p.severity === 'error')) return;
  into.set(id, deepFreeze(feed));
}

/** Feeds and stories name each other; both sides must agree. */
function crossCheck(stories: Map<string, Story>, feeds: Map<string, FeedDef>): DataProblem[] {
  const problems: DataProblem[] = [];
  const err = (file: string, field: string, message: string) =>
    problems.push({ file, field, message, severity: 'error' });
  for (const feed of feeds.values()) {
    feed.stories.forEach((slug, i) => {
      const story = stories.get(slug);
      if (!story) err(`feeds/${feed.id}.json`, `stories[${i}]`, `names story "${slug}", which does not exist`);
      else if (!story.feeds.includes(feed.id)) {
        err(`feeds/${feed.id}.json`, `stories[${i}]`, `names story "${slug}", whose feeds do not include "${feed.id}"`);
      }
    });
  }
  for (const story of stories.values()) {
    story.feeds.forEach((id, i) => {
      const feed = feeds.get(id);
      if (!feed) err(`feeds/stories/${story.slug}.json`, `feeds[${i}]`, `names feed "${id}", which does not exist`);
      else if (!feed.stories.includes(story.slug)) {
        err(`feeds/stories/${story.slug}.json`, `feeds[${i}]`, `names feed "${id}", which does not list this story`);
      }
    });
  }
  return problems;
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(value);
}
