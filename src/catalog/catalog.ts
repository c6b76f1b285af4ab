// Loads and validates feeds/ (stories and feed definitions) into an indexed, immutable catalog.

import { FieldReader, ID, SLUG, parseJson } from './fields.ts';
import type { DataFile, DataProblem, FeedDef, FeedInfo, Story, StoryStatus } from './types.ts';

export interface Catalog {
  readonly stories: ReadonlyMap<string, Story>;
  readonly feeds: ReadonlyMap<string, FeedDef>;
  /** Stories of a feed in feed order (the feed file lists them newest first). */
  storiesOf(feedId: string): readonly Story[];
  /** Every story, newest `published` first. */
  readonly newest: readonly Story[];
  /** The latest `updated` of any story: Last-Modified of catalog-wide documents. */
  readonly updated: string;
  /** The first embargo release after `now` among a feed's stories (or all stories), in ms. */
  nextRelease(feedId: string | null, now: number): number | undefined;
}

const STORY_FIELDS = [
  'slug',
  'headline',
  'dateline',
  'published',
  'updated',
  'version',
  'status',
  'embargoedUntil',
  'notice',
  'correction',
  'source',
  'rightsHolder',
  'copyrightNotice',
  'usageTerms',
  'feeds',
  'body',
] as const;
const STATUSES: readonly StoryStatus[] = ['usable', 'embargoed', 'withheld', 'canceled'];
const FEED_FIELDS = ['id', 'title', 'description', 'language', 'stories'] as const;

/** Story files live in feeds/stories/<slug>.json; feed files are feeds/<id>.json. */
export function isStoryPath(path: string): boolean {
  return path.startsWith('stories/');
}

/** `dir` names the files in problems: the directory they came from (`WIREGATE_FEEDS_DIR`). */
export function loadCatalog(files: readonly DataFile[], dir = 'feeds'): { catalog: Catalog; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  const stories = new Map<string, Story>();
  const feeds = new Map<string, FeedDef>();
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (!file.path.endsWith('.json')) continue;
    const reader = new FieldReader(`${dir}/${file.path}`);
    const raw = parseJson(reader, file.text);
    if (raw !== undefined) {
      if (isStoryPath(file.path)) addStory(reader, raw, file.path, stories);
      else addFeed(reader, raw, file.path, feeds);
    }
    problems.push(...reader.problems);
  }
  problems.push(...crossCheck(stories, feeds, dir));
  const byFeed = new Map<string, Story[]>();
  for (const feed of feeds.values()) {
    byFeed.set(
      feed.id,
      feed.stories.flatMap((slug) => stories.get(slug) ?? []),
    );
  }
  const newest = [...stories.values()].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : 0));
  const releases = new Map<string | null, number[]>();
  for (const story of newest) {
    if (!story.embargoedUntil) continue; // killed or withheld under embargo: its tombstone appears then too
    const at = Date.parse(story.embargoedUntil);
    for (const key of [null, ...story.feeds]) {
      const list = releases.get(key);
      if (list) list.push(at);
      else releases.set(key, [at]);
    }
  }
  for (const list of releases.values()) list.sort((a, b) => a - b);
  const catalog: Catalog = {
    stories,
    feeds,
    newest,
    updated: newest.reduce((max, s) => (s.updated > max ? s.updated : max), '1970-01-01T00:00:00Z'),
    storiesOf: (id) => byFeed.get(id) ?? [],
    nextRelease: (feedId, now) => firstAfter(releases.get(feedId) ?? [], now),
  };
  return { catalog, problems };
}

/** Validates one story record as the API receives it; the problems name its fields. */
export function readStoryRecord(raw: unknown): { story?: Story; problems: DataProblem[] } {
  const reader = new FieldReader('story');
  const into = new Map<string, Story>();
  const slug = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['slug'] : undefined;
  addStory(reader, raw, `stories/${typeof slug === 'string' ? slug : ''}.json`, into);
  return { ...(into.size ? { story: [...into.values()][0]! } : {}), problems: reader.problems.filter((p) => p.severity === 'error') };
}

/**
 * Validates one feed definition as the API receives it. A body in the files' shape (SPEC §1) may
 * list its stories; the list is read as a list of slugs and changes nothing: in the store a story
 * names its feeds when it is published, and the feed's members follow from that.
 */
export function readFeedRecord(raw: unknown, id: string): { feed?: FeedInfo; problems: DataProblem[] } {
  const reader = new FieldReader('feed');
  const into = new Map<string, FeedDef>();
  const obj = reader.object(raw);
  if (obj && 'stories' in obj) reader.strings(obj, 'stories');
  if (obj) addFeed(reader, { ...obj, stories: [] }, `${id}.json`, into);
  const feed = into.get(id);
  const info = feed ? (({ stories: _s, ...rest }) => rest)(feed) : undefined;
  return { ...(info ? { feed: info } : {}), problems: reader.problems.filter((p) => p.severity === 'error') };
}

function addStory(reader: FieldReader, raw: unknown, path: string, into: Map<string, Story>): void {
  const obj = reader.object(raw);
  if (!obj) return;
  reader.unknownFields(obj, STORY_FIELDS);
  const slug = reader.string(obj, 'slug', { pattern: SLUG });
  if (slug && path !== `stories/${slug}.json`) reader.error('slug', `must match the file name (stories/${slug}.json)`);
  // Not a field of SPEC §1's story: a record without it is the first version.
  const version = obj['version'] ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    reader.error('version', 'must be a whole number of at least 1');
  }
  const body = reader.strings(obj, 'body') ?? [];
  if (body.length === 0) reader.error('body', 'must hold at least one paragraph');
  body.forEach((p, i) => {
    if (p.trim() === '') reader.error(`body[${i}]`, 'must not be empty');
  });
  const status = (obj['status'] ?? 'usable') as StoryStatus;
  if (!STATUSES.includes(status)) reader.error('status', `must be one of ${STATUSES.join(', ')}`);
  const embargoedUntil = obj['embargoedUntil'] === undefined ? undefined : reader.timestamp(obj, 'embargoedUntil');
  if (status === 'embargoed' && !embargoedUntil) reader.error('embargoedUntil', 'is required while status is "embargoed"');
  // A story killed or withheld under embargo keeps the embargo: until then it does not exist publicly.
  if (status !== 'embargoed' && status !== 'canceled' && status !== 'withheld' && embargoedUntil)
    reader.error('embargoedUntil', 'belongs only to an embargoed story');
  const notice = obj['notice'] === undefined ? undefined : reader.string(obj, 'notice');
  if ((status === 'canceled' || status === 'withheld') && !notice) reader.error('notice', `is required while status is "${status}"`);
  const correction = obj['correction'] === undefined ? undefined : reader.string(obj, 'correction');
  const story: Story = {
    slug,
    headline: reader.string(obj, 'headline'),
    dateline: reader.string(obj, 'dateline', { optional: true }),
    published: reader.timestamp(obj, 'published'),
    updated: reader.timestamp(obj, 'updated'),
    version: typeof version === 'number' ? version : 1,
    status,
    ...(embargoedUntil ? { embargoedUntil } : {}),
    ...(notice ? { notice } : {}),
    ...(correction ? { correction } : {}),
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
function crossCheck(stories: Map<string, Story>, feeds: Map<string, FeedDef>, dir: string): DataProblem[] {
  const problems: DataProblem[] = [];
  const err = (file: string, field: string, message: string) => problems.push({ file, field, message, severity: 'error' });
  for (const feed of feeds.values()) {
    feed.stories.forEach((slug, i) => {
      const story = stories.get(slug);
      if (!story) err(`${dir}/${feed.id}.json`, `stories[${i}]`, `names story "${slug}", which does not exist`);
      else if (!story.feeds.includes(feed.id)) {
        err(`${dir}/${feed.id}.json`, `stories[${i}]`, `names story "${slug}", whose feeds do not include "${feed.id}"`);
      }
    });
  }
  // Sets, not array scans: a 10,000-story feed must load in linear time.
  const members = new Map([...feeds.values()].map((f) => [f.id, new Set(f.stories)]));
  for (const story of stories.values()) {
    story.feeds.forEach((id, i) => {
      const feed = feeds.get(id);
      if (!feed) err(`${dir}/stories/${story.slug}.json`, `feeds[${i}]`, `names feed "${id}", which does not exist`);
      else if (!members.get(id)?.has(story.slug)) {
        err(`${dir}/stories/${story.slug}.json`, `feeds[${i}]`, `names feed "${id}", which does not list this story`);
      }
    });
  }
  return problems;
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) Object.freeze(v);
  return Object.freeze(value);
}

/** Binary search: the first instant in a sorted list that is after `now`. */
function firstAfter(sorted: readonly number[], now: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= now) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
