// The CLI's commands; each takes parsed flags and positionals and returns an exit code.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedDef, Story } from '../catalog/types.ts';
import { checkData, formatProblem, loadData } from '../data.ts';
import { ingest, IngestError, SLUG } from '../ingest/ingest.ts';
import { demoKey, demoReceiptSecret, LOCAL_DIR, loadSigningKey, newKeyPair, writePrivate } from '../node/demo.ts';
import { dataDirs, readDataFiles } from '../node/files.ts';
import { bindingsFromEnv, startServer } from '../node/server.ts';
import { signToken } from '../node/token.ts';
import { checkTokenRequest, parseTtl } from './token-request.ts';
import { receiptId } from '../access/receipt.ts';
import { settingsFrom } from '../settings.ts';
import { lifecycleCommands } from './lifecycle.ts';
import { writeSyntheticCatalog } from './synth.ts';
import { UsageError } from './usage.ts';

type Flags = Record<string, string | boolean | undefined>;
type Command = (flags: Flags, args: string[]) => Promise<number>;

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const KEYS_DIR = join(LOCAL_DIR, 'keys');

function need(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

const check: Command = async () => {
  const { problems } = checkData(readDataFiles());
  for (const p of problems) (p.severity === 'error' ? err : out)(formatProblem(p));
  const errors = problems.filter((p) => p.severity === 'error').length;
  out(errors === 0 ? `ok: feeds/ and licenses/ are valid (${problems.length} warning(s))` : `${errors} error(s)`);
  return errors === 0 ? 0 : 1;
};

const pack: Command = async (flags) => {
  const files = readDataFiles();
  loadData(files); // a catalog that does not load must not be bundled
  const target = typeof flags['out'] === 'string' ? flags['out'] : 'build/data.json';
  mkdirSync(join(target, '..'), { recursive: true });
  writeFileSync(target, JSON.stringify(files));
  out(`packed ${files.feeds.length} feed file(s) and ${files.licenses.length} license file(s) into ${target}`);
  return 0;
};

const ingestCmd: Command = async (flags, args) => {
  const [file] = args;
  if (!file) throw new UsageError('usage: wiregate ingest <file> --feed <id>');
  const feedId = need(flags, 'feed');
  const slug = typeof flags['slug'] === 'string' ? flags['slug'] : undefined;
  if (slug !== undefined && !SLUG.test(slug)) throw new UsageError(`--slug "${slug}" must be lower-case letters and digits joined by single hyphens`);
  const published = typeof flags['published'] === 'string' ? flags['published'] : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  let story: Story;
  try {
    story = ingest(readFileSync(file), {
      feed: feedId,
      published,
      ...(typeof flags['source'] === 'string' ? { source: flags['source'] } : {}),
      ...(slug !== undefined ? { slug } : {}),
    });
  } catch (e) {
    if (e instanceof IngestError) {
      err(`wiregate ingest: ${file}: ${e.message}; nothing was written`);
      return 1;
    }
    throw e;
  }
  const dirs = dataDirs();
  const storyPath = join(dirs.feeds, 'stories', `${story.slug}.json`);
  const feedPath = join(dirs.feeds, `${feedId}.json`);
  const storyText = json(story);
  if (existsSync(storyPath) && readFileSync(storyPath, 'utf8') !== storyText) {
    err(`wiregate ingest: ${storyPath} exists with other content; nothing was written`);
    return 1;
  }
  const feed: FeedDef = existsSync(feedPath)
    ? (JSON.parse(readFileSync(feedPath, 'utf8')) as FeedDef)
    : { id: feedId, title: feedId[0]!.toUpperCase() + feedId.slice(1), description: `${feedId} stories`, language: 'en', stories: [] };
  const feedText = json({ ...feed, stories: [story.slug, ...feed.stories.filter((s) => s !== story.slug)] });
  // Validate the catalog as it would be before writing anything.
  const files = readDataFiles(dirs);
  const replace = (list: typeof files.feeds, path: string, text: string) => [...list.filter((f) => f.path !== path), { path, text }];
  const next = replace(replace(files.feeds, `stories/${story.slug}.json`, storyText), `${feedId}.json`, feedText);
  const problems = checkData({ feeds: next, licenses: files.licenses }).problems.filter((p) => p.severity === 'error');
  if (problems.length > 0) {
    problems.forEach((p) => err(formatProblem(p)));
    err('wiregate ingest: the catalog would not be valid; nothing was written');
    return 1;
  }
  if (flags['dry-run']) {
    out(storyText);
    return 0;
  }
  mkdirSync(join(dirs.feeds, 'stories'), { recursive: true });
  writeFileSync(storyPath, storyText);
  writeFileSync(feedPath, feedText);
  out(`ingested "${story.headline}" → ${storyPath} (${story.body.length} paragraphs, feed ${feedId})`);
  return 0;
};

const keysGenerate: Command = async (flags) => {
  const alg = (flags['alg'] ?? 'ES256') as string;
  if (alg !== 'ES256' && alg !== 'EdDSA') throw new Error('--alg must be ES256 or EdDSA');
  const kid = typeof flags['kid'] === 'string' ? flags['kid'] : `wg-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(kid)) throw new Error('--kid may hold only letters, digits, ".", "_" and "-" (at most 64)');
  const jwksPath = join(dataDirs().licenses, 'jwks.json');
  const jwks = existsSync(jwksPath) ? (JSON.parse(readFileSync(jwksPath, 'utf8')) as { keys: { kid?: unknown }[] }) : { keys: [] };
  if (jwks.keys.some((k) => k.kid === kid)) throw new Error(`kid "${kid}" is already in ${jwksPath}; choose another --kid`);
  const { privateJwk, publicJwk } = await newKeyPair(alg, kid);
  mkdirSync(KEYS_DIR, { recursive: true, mode: 0o700 });
  const privatePath = join(KEYS_DIR, `${kid}.private.jwk`);
  writePrivate(privatePath, json(privateJwk));
  jwks.keys.push(publicJwk);
  writeFileSync(jwksPath, json(jwks));
  out(`private key: ${privatePath} (mode 0600, git-ignored; keep it off any server)`);
  out(`public key:  kid "${kid}" added to ${jwksPath}`);
  return 0;
};

const token: Command = async (flags) => {
  const settings = settingsFrom(bindingsFromEnv());
  const sub = need(flags, 'sub');
  const scope = need(flags, 'scope');
  const ttlSeconds = parseTtl(typeof flags['ttl'] === 'string' ? flags['ttl'] : '1d', settings.maxTokenSeconds);
  const now = Date.now();
  const expires = (Math.floor(now / 1000) + ttlSeconds) * 1000;
  checkTokenRequest(loadData(readDataFiles()).registry, sub, scope, now, expires);
  const key = flags['demo'] ? await demoKey() : await loadSigningKey(signingKeyPath(flags));
  const jti = typeof flags['jti'] === 'string' ? flags['jti'] : crypto.randomUUID();
  const signed = await signToken(key, { sub, scope, ttlSeconds, issuer: settings.issuer, audience: settings.audience, jti }, now);
  // The token alone on stdout (for $(…)); what `wiregate receipt` and an operator's records need, on stderr.
  err(`jti:     ${jti}\nkid:     ${key.kid}\nsub:     ${sub}\nscope:   ${scope}\nexpires: ${new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  out(signed);
  return 0;
};

function signingKeyPath(flags: Flags): string {
  if (typeof flags['key'] === 'string') return flags['key'];
  const keys = existsSync(KEYS_DIR) ? readdirSync(KEYS_DIR).filter((f) => f.endsWith('.private.jwk')) : [];
  if (keys.length !== 1) {
    throw new Error(keys.length === 0 ? 'no signing key: run `wiregate keys generate`, or pass --key or --demo' : `several keys in ${KEYS_DIR}: pass --key`);
  }
  return join(KEYS_DIR, keys[0]!);
}

const serveCmd: Command = async (flags) => {
  const files = readDataFiles();
  let data = loadData(files);
  let bindings = bindingsFromEnv();
  let demo: { token: string } | undefined;
  if (flags['demo']) {
    const key = await demoKey();
    // The demo key is trusted by this process only; licenses/jwks.json is never touched.
    data = { ...data, registry: { ...data.registry, jwks: { keys: [...data.registry.jwks.keys, key.publicJwk] } } };
    bindings = { WIREGATE_RECEIPT_SECRET: demoReceiptSecret(), ...bindings };
    const settings = settingsFrom(bindings);
    demo = { token: await signToken(key, { sub: 'demo-newsroom', scope: 'feed:world', ttlSeconds: 86_400, issuer: settings.issuer, audience: settings.audience }) };
  }
  const { server, url } = await startServer({ data, bindings });
  // Finish requests in flight on Ctrl-C or a supervisor's SIGTERM, then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 5_000).unref();
    });
  }
  out(`wiregate listening on ${url} (${data.catalog.stories.size} stories, ${data.catalog.feeds.size} feeds, ${data.registry.licensees.size} licensees)`);
  if (!settingsFrom(bindings).receiptSecret) {
    err('warning: WIREGATE_RECEIPT_SECRET is not set, so licensed requests are refused (503) until it is: copies must carry receipts.');
  }
  const story = [...data.catalog.stories.keys()][0];
  const feed = [...data.catalog.feeds.keys()][0];
  if (story) out(`\npublic excerpt:\n  curl ${url}/articles/${story}`);
  if (demo) {
    out(`\ndemo license token for demo-newsroom (scope feed:world, valid 24 h):\n  export TOKEN=${demo.token}`);
    if (story) out(`\nfull story with the license line and receipt:\n  curl -H "Authorization: Bearer $TOKEN" ${url}/articles/${story}.txt`);
    if (feed) out(`\nfull-text feed:\n  curl -H "Authorization: Bearer $TOKEN" ${url}/feeds/${feed}/rss.xml`);
  }
  return -1;
};

export const commands: Record<string, Command> = {
  serve: serveCmd,
  ingest: ingestCmd,
  check,
  pack,
  'keys generate': keysGenerate,
  token,
  ...lifecycleCommands,
  // Tracing a leaked copy: recompute the receipt for a token id you issued and compare.
  receipt: async (flags) => {
    const settings = settingsFrom(bindingsFromEnv());
    const secret = settings.receiptSecret ?? (flags['demo'] ? demoReceiptSecret() : undefined);
    if (!secret) throw new Error('set WIREGATE_RECEIPT_SECRET (or pass --demo for the local demo secret)');
    const slug = need(flags, 'slug');
    const story = loadData(readDataFiles()).catalog.stories.get(slug);
    const version = typeof flags['version'] === 'string' ? Number(flags['version']) : story?.version;
    if (!version || !Number.isInteger(version)) throw new Error(`no story "${slug}" in feeds/; pass --version`);
    out(await receiptId(secret, need(flags, 'jti'), slug, version));
    return 0;
  },
  synth: async (flags) => {
    const stories = Number(flags['stories'] ?? 10_000);
    if (!Number.isInteger(stories) || stories < 1) throw new Error('--stories must be a positive whole number');
    const outDir = typeof flags['out'] === 'string' ? flags['out'] : 'build/synth';
    const dirs = writeSyntheticCatalog({ stories, out: outDir });
    out(`wrote ${stories} synthetic stories to ${dirs.feedsDir}; serve them with`);
    out(`  WIREGATE_FEEDS_DIR=${dirs.feedsDir} WIREGATE_LICENSES_DIR=${dirs.licensesDir} npm run serve`);
    return 0;
  },
};
