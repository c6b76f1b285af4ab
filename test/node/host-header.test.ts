// On Node the public URL is configured (or the default), never taken from the client's Host header (issue 10).

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStore } from '#test-store';
import { readDataFiles } from '../../src/node/files.ts';
import { startServer } from '../../src/node/server.ts';
import { ROOT } from './support/scratch.ts';

function get(url: string, host: string): Promise<{ link: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ link: String(res.headers.link ?? ''), body }));
    });
    req.on('error', reject).end();
  });
}

describe('the Node server and the Host header', () => {
  let url = '';
  let close = () => {};
  beforeAll(async () => {
    const node = await startServer({ store: await testStore(readDataFiles()), bindings: {}, port: 0 });
    url = node.url;
    close = () => node.server.close();
  });
  afterAll(() => close());

  it('a forged Host changes no link: the default public URL stands', async () => {
    const { link, body } = await get(`${url}/robots.txt`, 'evil.example');
    expect(link).toContain('<http://localhost:8787/license>');
    expect(link).not.toContain('evil.example');
    expect(body).not.toContain('evil.example');
  });
});

describe('a first deploy', () => {
  it('wrangler.toml sets no public URL and nothing on localhost (the Worker follows its own origin)', () => {
    const settings = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(settings.filter((l) => /localhost|127\.0\.0\.1/.test(l))).toEqual([]);
    expect(settings.filter((l) => l.startsWith('WIREGATE_PUBLIC_URL'))).toEqual([]);
  });
});
