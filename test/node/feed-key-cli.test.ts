// `wiregate feed-key issue|list|revoke` (SPEC §11) against a running server with --remote and an
// operator token, and the receipt of a feed-key copy recomputed with `wiregate receipt --iss feed-key`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATE, SLUG } from '../support/gateway.ts';
import { runCli, tempCopies } from './support/scratch.ts';
import { serveIn, type Served } from './support/serve.ts';

const tempCopy = tempCopies('feed-key-cli');
const SECRET = 'feed-key-cli-secret';

let dir = '';
let served: Served;
let base = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  dir = tempCopy();
  served = await serveIn(dir, (port) => ({ WIREGATE_PUBLIC_URL: `http://127.0.0.1:${port}`, WIREGATE_RECEIPT_SECRET: SECRET }));
  base = `http://127.0.0.1:${served.port}`;
  const keys = runCli(['keys', 'generate', '--operator', '--kid', 'ops-test'], { cwd: dir });
  expect(keys.status, keys.output).toBe(0);
  const key = /private key: (\S+)/.exec(keys.stdout)![1]!;
  const token = runCli(['token', '--operator', '--sub', 'cli-test', '--scope', 'licensees:write', '--ttl', '1d', '--key', key], { cwd: dir });
  expect(token.status, token.output).toBe(0);
  env = { WIREGATE_OPERATOR_TOKEN: token.stdout.trim() };
}, 60_000);

afterAll(() => served?.stop());

describe('wiregate feed-key --remote', () => {
  it('issues (key shown once), lists (never the key), revokes; the URL then answers 410', async () => {
    const issued = runCli(['feed-key', 'issue', '--licensee', 'demo-newsroom', '--feeds', 'world', '--label', 'remote', '--remote', base], { cwd: dir, env });
    expect(issued.status, issued.output).toBe(0);
    const { id, key, urls } = JSON.parse(issued.stdout) as { id: string; key: string; urls: { rss: string } };
    expect(urls.rss).toBe(`${base}/private/${key}/feeds/world/rss.xml`);
    const feed = await fetch(urls.rss);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(LATE);

    const json = (await (await fetch(`${base}/private/${key}/feeds/world/feed.json`)).json()) as { items: { _rights: { receipt: string } }[] };
    const receipt = runCli(['receipt', '--iss', 'feed-key', '--sub', 'demo-newsroom', '--jti', id, '--slug', SLUG], {
      cwd: dir,
      env: { WIREGATE_RECEIPT_SECRET: SECRET },
    });
    expect(receipt.status, receipt.output).toBe(0);
    expect(receipt.stdout.trim()).toBe(json.items[0]!._rights.receipt);

    const list = runCli(['feed-key', 'list', '--licensee', 'demo-newsroom', '--remote', base], { cwd: dir, env });
    expect(list.status, list.output).toBe(0);
    expect(list.stdout).not.toContain(key);
    expect(JSON.parse(list.stdout)).toMatchObject({ keys: [{ id, label: 'remote', status: 'active' }] });

    const revoked = runCli(['feed-key', 'revoke', id, '--licensee', 'demo-newsroom', '--remote', base], { cwd: dir, env });
    expect(revoked.status, revoked.output).toBe(0);
    expect((await fetch(urls.rss)).status).toBe(410);
    const unknown = runCli(['feed-key', 'revoke', 'fk_nope', '--licensee', 'demo-newsroom', '--remote', base], { cwd: dir, env });
    expect(unknown.status).toBe(2);
    expect(served.output()).not.toContain(key);
  });

  it('refuses without an operator token, and a feed the licensee does not hold', () => {
    const none = runCli(['feed-key', 'list', '--licensee', 'demo-newsroom', '--remote', base], { cwd: dir });
    expect(none.status).toBe(2);
    const local = runCli(['feed-key', 'issue', '--licensee', 'demo-newsroom', '--feeds', 'sports'], { cwd: dir });
    expect(local.status).toBe(2);
    expect(local.stderr).toMatch(/does not grant "sports"/);
  });
});
