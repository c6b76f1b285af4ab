// Every route the gateway answers, declared once as data: the GET-only routes get their 405s from it,
// and the test matrices (methods, HEAD, credentials, leaks) walk it, so a route is covered the day it
// is added. A test holds the table and the app's registered routes to each other.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type RouteKind = 'health' | 'public' | 'content' | 'licensee' | 'desk' | 'private' | 'admin';

export interface RouteSpec {
  /** The Hono path pattern it is registered under. */
  readonly path: string;
  readonly methods: readonly Method[];
  readonly kind: RouteKind;
  /** Concrete paths for the test matrices, given a story slug and a feed id. */
  readonly examples: (slug: string, feed: string) => readonly string[];
}

/**
 * The one list of feed formats: the file under /feeds/{id}/ (and /private/{key}/feeds/{id}/), its
 * short name where URLs are listed by format (the index, a feed key's URLs), its media type and a
 * label for people. Routes, links, WebSub pings and the test matrices all read it.
 */
export const FEED_FORMATS = [
  { file: 'rss.xml', key: 'rss', type: 'application/rss+xml', label: 'RSS' },
  { file: 'atom.xml', key: 'atom', type: 'application/atom+xml', label: 'Atom' },
  { file: 'feed.json', key: 'json', type: 'application/feed+json', label: 'JSON Feed' },
] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];
export type FeedFile = FeedFormat['file'];
export type FeedKey = FeedFormat['key'];
export const FEED_FILES: readonly FeedFile[] = FEED_FORMATS.map((f) => f.file);

/** Each format's URL by short name, in the table's order: `{ rss, atom, json }`. */
export function formatLinks(url: (file: FeedFile) => string): Record<FeedKey, string> {
  return Object.fromEntries(FEED_FORMATS.map((f) => [f.key, url(f.file)])) as Record<FeedKey, string>;
}
/** The one list of story formats (suffixes of /articles/{slug}). */
export const STORY_SUFFIXES = ['', '.json', '.txt'] as const;

const GET: readonly Method[] = ['GET'];
const doc = (path: string): RouteSpec => ({ path, methods: GET, kind: 'public', examples: () => [path] });

export const ROUTES: readonly RouteSpec[] = [
  { path: '/healthz', methods: GET, kind: 'health', examples: () => ['/healthz'] },
  { path: '/', methods: GET, kind: 'public', examples: () => ['/'] },
  doc('/license'),
  { path: '/problems/:name', methods: GET, kind: 'public', examples: () => ['/problems/token-expired'] },
  doc('/license.xml'),
  doc('/robots.txt'),
  doc('/.well-known/tdmrep.json'),
  doc('/rights/tdm-policy.jsonld'),
  doc('/rights/offer.jsonld'),
  { path: '/rights/agreement.jsonld', methods: GET, kind: 'licensee', examples: () => ['/rights/agreement.jsonld'] },
  { path: '/articles/:file', methods: GET, kind: 'content', examples: (slug) => STORY_SUFFIXES.map((s) => `/articles/${slug}${s}`) },
  { path: '/feeds/:feed/:file', methods: GET, kind: 'content', examples: (_s, feed) => FEED_FILES.map((f) => `/feeds/${feed}/${f}`) },
  {
    path: '/private/:key/feeds/:feed/:file',
    methods: GET,
    kind: 'private',
    examples: (_s, feed) => FEED_FILES.map((f) => `/private/not-a-real-key/feeds/${feed}/${f}`),
  },
  { path: '/account/usage', methods: GET, kind: 'licensee', examples: () => ['/account/usage'] },
  { path: '/desk', methods: GET, kind: 'desk', examples: () => ['/desk'] },
  { path: '/desk/session', methods: ['POST'], kind: 'desk', examples: () => ['/desk/session'] },
  { path: '/desk/sign-out', methods: ['POST'], kind: 'desk', examples: () => ['/desk/sign-out'] },
  { path: '/admin/stories', methods: ['POST'], kind: 'admin', examples: () => ['/admin/stories'] },
  { path: '/admin/stories/:slug', methods: GET, kind: 'admin', examples: (slug) => [`/admin/stories/${slug}`] },
  ...['correct', 'embargo', 'release', 'withhold', 'kill'].map(
    (verb): RouteSpec => ({ path: `/admin/stories/:slug/${verb}`, methods: ['POST'], kind: 'admin', examples: (slug) => [`/admin/stories/${slug}/${verb}`] }),
  ),
  { path: '/admin/feeds/:id', methods: ['PUT'], kind: 'admin', examples: (_s, feed) => [`/admin/feeds/${feed}`] },
  { path: '/admin/licensees/:id', methods: ['PUT'], kind: 'admin', examples: () => ['/admin/licensees/demo-newsroom'] },
  { path: '/admin/licensees/:id/feed-keys', methods: ['GET', 'POST'], kind: 'admin', examples: () => ['/admin/licensees/demo-newsroom/feed-keys'] },
  { path: '/admin/licensees/:id/feed-keys/:keyId', methods: ['DELETE'], kind: 'admin', examples: () => ['/admin/licensees/demo-newsroom/feed-keys/fk-none'] },
  { path: '/admin/revocations', methods: ['POST'], kind: 'admin', examples: () => ['/admin/revocations'] },
  { path: '/admin/audit', methods: GET, kind: 'admin', examples: () => ['/admin/audit'] },
  { path: '/admin/usage', methods: GET, kind: 'admin', examples: () => ['/admin/usage'] },
  { path: '/admin/trace', methods: ['POST'], kind: 'admin', examples: () => ['/admin/trace'] },
];

/** The routes that take GET (and HEAD) only, outside the operator API: they answer other methods 405. */
export const GET_ONLY = ROUTES.filter((r) => r.kind !== 'admin' && r.methods.length === 1 && r.methods[0] === 'GET');
