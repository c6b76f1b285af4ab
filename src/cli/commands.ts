// The CLI's commands; each takes parsed flags and positionals and returns an exit code.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Story } from '../catalog/types.ts';
import { checkData, formatProblem } from '../data.ts';
import { ingest, IngestError, SLUG } from '../ingest/ingest.ts';
import { demoKey, demoReceiptSecret, LOCAL_DIR, loadSigningKey, newKeyPair, writePrivate } from '../node/demo.ts';
import { dataDirs, readDataFiles } from '../node/files.ts';
import { keepAllocationsYoung } from '../node/pretenuring.ts';
import { importFiles, importStatements, sqlScript } from '../store/import.ts';
import { Store } from '../store/store.ts';
import { addSigningKey, publishStory, putRecord, readStory } from '../store/writes.ts';
import { feedKeyCommands } from './feed-keys.ts';
import { isoInstant, lifecycleCommands } from './lifecycle.ts';
import { cliActor, EXIT_REFUSED, remoteCall, withLocalStore } from './store-access.ts';
import { bindingsFromEnv, openNodeStore, startServer, storePath } from '../node/server.ts';
import { signToken } from '../node/token.ts';
import { checkTokenRequest, parseTtl } from './token-request.ts';
import { receiptId } from '../access/receipt.ts';
import { settingsFrom } from '../settings.ts';
import { writeSyntheticCatalog } from './synth.ts';
import { traceCmd, usageCmd } from './reports.ts';
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

/**
 * Exports feeds/ and licenses/ (validated) for the Worker's D1 store: build/seed.sql, the import as
 * one SQL script for `wrangler d1 execute`, and build/data.json, the files as read (the tests' input).
 */
const pack: Command = async (flags) => {
  const files = readDataFiles();
  const { statements, counts } = importStatements(files, { operator: 'import:pack' }, Date.now());
  const target = typeof flags['out'] === 'string' ? flags['out'] : 'build';
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'seed.sql'), sqlScript(statements));
  writeFileSync(join(target, 'data.json'), JSON.stringify({ feeds: files.feeds, licenses: files.licenses }));
  out(
    `packed ${counts.stories} stories, ${counts.feeds} feeds and ${counts.licensees} licensees into ${join(target, 'seed.sql')} and ${join(target, 'data.json')}`,
  );
  return 0;
};

const ingestCmd: Command = async (flags, args) => {
  const [file] = args;
  if (!file) throw new UsageError('usage: wiregate ingest <file> --feed <id>');
  const feedId = need(flags, 'feed');
  const slug = typeof flags['slug'] === 'string' ? flags['slug'] : undefined;
  if (slug !== undefined && !SLUG.test(slug)) throw new UsageError(`--slug "${slug}" must be lower-case letters and digits joined by single hyphens`);
  const published = typeof flags['published'] === 'string' ? isoInstant(flags['published']) : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const bytes = readFileSync(file);
  if (typeof flags['remote'] === 'string' && !flags['dry-run']) {
    if (slug !== undefined)
      throw new UsageError('--slug works on the local store only; with --remote, publish a story record (POST /admin/stories, application/json)');
    const query = new URLSearchParams({ feed: feedId, published });
    return remoteCall('ingest', flags['remote'], 'POST', `/admin/stories?${query}`, { type: 'text/plain; charset=utf-8', data: bytes });
  }
  let story: Story;
  try {
    story = ingest(bytes, {
      feed: feedId,
      published,
      ...(typeof flags['source'] === 'string' ? { source: flags['source'] } : {}),
      ...(slug !== undefined ? { slug } : {}),
    });
  } catch (e) {
    if (e instanceof IngestError) {
      err(`wiregate ingest: ${file}: ${e.message}; nothing was written`);
      return EXIT_REFUSED;
    }
    throw e;
  }
  if (flags['dry-run']) {
    out(json(story));
    return 0;
  }
  return withLocalStore('ingest', async (db) => {
    const now = Date.now();
    const snapshot = await new Store(db).snapshot(now);
    // A feed named for the first time is created with plain defaults, as the files' import would.
    if (!snapshot.feeds.has(feedId)) {
      await putRecord(
        db,
        'feed',
        { id: feedId, title: feedId[0]!.toUpperCase() + feedId.slice(1), description: `${feedId} stories`, language: 'en' },
        cliActor(),
        now,
      );
    }
    const { created } = await publishStory(db, story, cliActor(), now);
    out(
      `${created ? 'ingested' : 'already stored'}: "${story.headline}" → /articles/${story.slug} (${story.body.length} paragraphs, feed ${feedId}, store ${storePath()})`,
    );
    return 0;
  });
};

/** Syncs feeds/ and licenses/ into the store again (idempotent). */
const importCmd: Command = async () =>
  withLocalStore('import', async (db) => {
    const counts = await importFiles(db, readDataFiles(), cliActor(), Date.now());
    out(`imported ${counts.stories} stories, ${counts.feeds} feeds and ${counts.licensees} licensees into ${storePath()}`);
    for (const [kind, ids] of Object.entries(counts.kept ?? {})) {
      if (ids.length === 0) continue;
      // Not an error: the operator's change stands (SPEC §10); the file is simply not what the store holds.
      out(`kept ${ids.length} ${kind} an operator changed through the API or the CLI (the files differ): ${ids.join(', ')}`);
    }
    return 0;
  });

const keysGenerate: Command = async (flags) => {
  const alg = (flags['alg'] ?? 'ES256') as string;
  if (alg !== 'ES256' && alg !== 'EdDSA') throw new Error('--alg must be ES256 or EdDSA');
  const operator = flags['operator'] === true;
  const kid =
    typeof flags['kid'] === 'string' ? flags['kid'] : `${operator ? 'op' : 'wg'}-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(kid)) throw new Error('--kid may hold only letters, digits, ".", "_" and "-" (at most 64)');
  // License and operator keys live in separate sets: one never signs the other's tokens (SPEC §10).
  const jwksPath = join(dataDirs().licenses, operator ? 'operator-jwks.json' : 'jwks.json');
  const jwks = existsSync(jwksPath) ? (JSON.parse(readFileSync(jwksPath, 'utf8')) as { keys: { kid?: unknown }[] }) : { keys: [] };
  if (jwks.keys.some((k) => k.kid === kid)) throw new Error(`kid "${kid}" is already in ${jwksPath}; choose another --kid`);
  const { privateJwk, publicJwk } = await newKeyPair(alg, kid);
  const dir = keysDir(flags);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privatePath = join(dir, `${kid}.private.jwk`);
  writePrivate(privatePath, json(privateJwk));
  jwks.keys.push(publicJwk);
  writeFileSync(jwksPath, json(jwks));
  await withLocalStore('keys generate', async (db) => {
    await addSigningKey(db, operator ? 'operator' : 'license', publicJwk, cliActor(), Date.now());
    return 0;
  });
  out(`private key: ${privatePath} (mode 0600, git-ignored; keep it off any server)`);
  out(`public key:  kid "${kid}" added to ${jwksPath} and to the store`);
  return 0;
};

/** Private keys stay under .wiregate/keys (license) and .wiregate/keys/operator. */
function keysDir(flags: Flags): string {
  return flags['operator'] === true ? join(KEYS_DIR, 'operator') : KEYS_DIR;
}

const OPERATOR_GRANTS = ['stories:write', 'licensees:write', 'usage:read', 'trace', 'admin'];
const OPERATOR_MAX_SECONDS = 30 * 86_400;

const token: Command = async (flags) => {
  const operator = flags['operator'] === true;
  const settings = settingsFrom(bindingsFromEnv());
  const sub = need(flags, 'sub');
  const scope = need(flags, 'scope');
  const ttlSeconds = parseTtl(typeof flags['ttl'] === 'string' ? flags['ttl'] : '1d', operator ? OPERATOR_MAX_SECONDS : settings.maxTokenSeconds);
  const now = Date.now();
  const expires = (Math.floor(now / 1000) + ttlSeconds) * 1000;
  if (operator) {
    const unknown = scope.split(' ').filter((g) => g && !OPERATOR_GRANTS.includes(g));
    if (unknown.length > 0) throw new UsageError(`unknown grant(s) ${unknown.join(', ')}; grants are ${OPERATOR_GRANTS.join(', ')}`);
  } else {
    // Refuse what the gateway would refuse, judged against the store it serves.
    const { sqlite } = await openNodeStore(storePath());
    try {
      checkTokenRequest((await new Store(sqlite.driver).snapshot(now)).registry, sub, scope, now, expires);
    } finally {
      sqlite.close();
    }
  }
  const key = flags['demo'] && !operator ? await demoKey() : await loadSigningKey(signingKeyPath(flags));
  const jti = typeof flags['jti'] === 'string' ? flags['jti'] : crypto.randomUUID();
  const typ = operator ? 'operator+jwt' : 'license+jwt';
  const signed = await signToken(key, { sub, scope, ttlSeconds, issuer: settings.issuer, audience: settings.audience, jti, typ }, now);
  // The token alone on stdout (for $(…)); what `wiregate receipt` and an operator's records need, on stderr.
  err(`jti:     ${jti}\nkid:     ${key.kid}\nsub:     ${sub}\nscope:   ${scope}\nexpires: ${new Date(expires).toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  out(signed);
  return 0;
};

function signingKeyPath(flags: Flags): string {
  if (typeof flags['key'] === 'string') return flags['key'];
  const dir = keysDir(flags);
  const keys = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.private.jwk')) : [];
  const generate = flags['operator'] === true ? '`wiregate keys generate --operator`' : '`wiregate keys generate`';
  if (keys.length !== 1) {
    throw new Error(
      keys.length === 0
        ? `no signing key: run ${generate}, or pass --key${flags['operator'] ? '' : ' or --demo'}`
        : `several keys in ${dir}: pass --key <file>, one of ${keys.map((k) => join(dir, k)).join(', ')}`,
    );
  }
  return join(dir, keys[0]!);
}

const serveCmd: Command = async (flags) => {
  keepAllocationsYoung(); // before the store is read: see node/pretenuring.ts
  let bindings = bindingsFromEnv();
  let demo: { token: string } | undefined;
  const key = flags['demo'] ? await demoKey() : undefined;
  // The demo key is trusted by this process only: neither licenses/jwks.json nor the store hold it.
  const { store, sqlite } = await openNodeStore(storePath(), key ? [key.publicJwk] : []);
  // The CLI and other servers on this store ring this one when they change it (node/bells.ts).
  await sqlite.listen();
  if (key) {
    bindings = { WIREGATE_RECEIPT_SECRET: demoReceiptSecret(), ...bindings };
    const settings = settingsFrom(bindings);
    demo = {
      token: await signToken(key, { sub: 'demo-newsroom', scope: 'feed:world', ttlSeconds: 86_400, issuer: settings.issuer, audience: settings.audience }),
    };
  }
  const { server, url } = await startServer({ store, bindings });
  // Finish requests in flight on Ctrl-C or a supervisor's SIGTERM, then exit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.close(() => {
        sqlite.close();
        process.exit(0);
      });
      setTimeout(() => process.exit(0), 5_000).unref();
    });
  }
  const counts = sqlite.db
    .prepare(`SELECT (SELECT COUNT(*) FROM stories) AS stories, (SELECT COUNT(*) FROM feeds) AS feeds, (SELECT COUNT(*) FROM licensees) AS licensees`)
    .get() as Record<string, number>;
  out(`wiregate listening on ${url} (store ${storePath()}: ${counts['stories']} stories, ${counts['feeds']} feeds, ${counts['licensees']} licensees)`);
  if (!settingsFrom(bindings).receiptSecret) {
    err('warning: WIREGATE_RECEIPT_SECRET is not set, so licensed requests are refused (503) until it is: copies must carry receipts.');
  }
  const first = sqlite.db
    .prepare(`SELECT s.slug, f.feed_id FROM stories s LEFT JOIN feed_items f ON f.slug = s.slug WHERE s.status = 'usable' ORDER BY s.published DESC LIMIT 1`)
    .get() as { slug: string; feed_id: string | null } | undefined;
  const story = first?.slug;
  const feed = first?.feed_id ?? undefined;
  if (story) out(`\npublic excerpt:\n  curl ${url}/articles/${story}`);
  if (demo) {
    out(`\ndemo license token for demo-newsroom (scope feed:world, valid 24 h):\n  export TOKEN=${demo.token}`);
    if (story) out(`\nfull story with the license line and receipt:\n  curl -H "Authorization: Bearer $TOKEN" ${url}/articles/${story}.txt`);
    if (feed) out(`\nfull-text feed:\n  curl -H "Authorization: Bearer $TOKEN" ${url}/feeds/${feed}/rss.xml`);
    out(`\nthe licensee desk in a browser (sign in with the token):\n  ${url}/desk`);
  }
  return -1;
};

export const commands: Record<string, Command> = {
  serve: serveCmd,
  ingest: ingestCmd,
  import: importCmd,
  usage: usageCmd,
  trace: traceCmd,
  check,
  pack,
  'keys generate': keysGenerate,
  token,
  ...lifecycleCommands,
  ...feedKeyCommands,
  // Tracing a leaked copy: recompute the receipt for a token id you issued and compare.
  receipt: async (flags) => {
    const settings = settingsFrom(bindingsFromEnv());
    const secret = settings.receiptSecret ?? (flags['demo'] ? demoReceiptSecret() : undefined);
    if (!secret) throw new Error('set WIREGATE_RECEIPT_SECRET (or pass --demo for the local demo secret)');
    const slug = need(flags, 'slug');
    // The current version in the store, unless the copy being traced is of an older one.
    const stored =
      typeof flags['version'] === 'string' ? undefined : await withLocalStore('receipt', async (db) => (await readStory(db, slug))?.story.version ?? 0);
    const version = typeof flags['version'] === 'string' ? Number(flags['version']) : stored;
    if (!version || !Number.isInteger(version)) throw new Error(`no story "${slug}" in the store; pass --version`);
    // The issuer defaults to the one this deployment accepts (WIREGATE_ISSUER), as in the token's iss.
    const iss = typeof flags['iss'] === 'string' && flags['iss'] !== '' ? flags['iss'] : settings.issuer;
    out(await receiptId(secret, { iss, sub: need(flags, 'sub'), jti: need(flags, 'jti') }, slug, version));
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
