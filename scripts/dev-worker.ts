// `npm run dev:worker`: `wrangler dev` that serves licensed requests out of the box, with nothing secret bundled.
//
// - .dev.vars (git-ignored; read by `wrangler dev` only, never by `wrangler deploy`) gets the local demo
//   receipt secret when it names none, so licensed copies are receipted (not 503) and `wiregate receipt
//   --demo` recomputes their receipts.
// - The demo key's PUBLIC half, with licenses/jwks.json, is served on this machine's loopback and given to the
//   Worker as WIREGATE_JWKS_URL (plain http is accepted for loopback only), so `wiregate token --demo` mints
//   tokens the dev Worker trusts. The private key stays in .wiregate/; no deployed Worker can reach this loopback.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { demoKey, demoReceiptSecret } from '../src/node/demo.ts';
import { signToken } from '../src/node/token.ts';
import { settingsFrom } from '../src/settings.ts';

const DEV_VARS = '.dev.vars';

function ensureReceiptSecret(): void {
  const text = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, 'utf8') : '';
  if (/^\s*WIREGATE_RECEIPT_SECRET\s*=/m.test(text)) return;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(DEV_VARS, `${text}${sep}WIREGATE_RECEIPT_SECRET=${demoReceiptSecret()}\n`, { mode: 0o600 });
  chmodSync(DEV_VARS, 0o600);
  console.error(`dev:worker: wrote a local receipt secret to ${DEV_VARS} (git-ignored)`);
}

/** licenses/jwks.json as committed, plus the demo public key; re-read per request so edits apply. */
function trustedKeys(demoPublic: object): string {
  const path = join(process.env['WIREGATE_LICENSES_DIR'] ?? 'licenses', 'jwks.json');
  const committed = existsSync(path) ? ((JSON.parse(readFileSync(path, 'utf8')) as { keys?: object[] }).keys ?? []) : [];
  return JSON.stringify({ keys: [...committed, demoPublic] });
}

ensureReceiptSecret();
const key = await demoKey();
const jwks = createServer((req, res) => {
  if (req.url !== '/jwks.json') return void res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'no-store' }).end(trustedKeys(key.publicJwk));
});
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;

const settings = settingsFrom({});
/** Where `wrangler dev` will listen: its --ip and --port when given (its defaults otherwise). */
function devUrl(args: readonly string[]): string {
  const value = (name: string) => {
    const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return args[i]!.includes('=') ? args[i]!.slice(args[i]!.indexOf('=') + 1) : args[i + 1];
  };
  const ip = value('ip');
  return `http://${ip && ip !== '0.0.0.0' ? ip : 'localhost'}:${value('port') ?? '8787'}`;
}
const url = devUrl(process.argv.slice(2));
const token = await signToken(key, { sub: 'demo-newsroom', scope: 'feed:world', ttlSeconds: 86_400, issuer: settings.issuer, audience: settings.audience });
console.error(`dev:worker: trusting the demo key "${key.kid}" (public half served at ${jwksUrl})
demo license token for demo-newsroom (scope feed:world, valid 24 h):
  export TOKEN=${token}
more tokens: npm run wiregate -- token --demo --sub demo-newsroom --scope feed:world --ttl 12h
then:        curl -H "Authorization: Bearer $TOKEN" ${url}/feeds/world/rss.xml
`);

const wrangler = spawn(join('node_modules', '.bin', 'wrangler'), ['dev', '--var', `WIREGATE_JWKS_URL:${jwksUrl}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
  shell: false,
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code) => {
  jwks.close();
  process.exit(code ?? 1);
});
