// SPEC §7: a licensed fetch never primes anything an anonymous reader then receives.

import { describe, expect, it } from 'vitest';
import { bearer, CONTENT_PATHS, gateway, LATE } from './support/gateway.ts';

describe('licensed then anonymous', () => {
  it.each(CONTENT_PATHS)('%s: the anonymous reader gets the excerpt after a licensed fetch', async (path) => {
    const gw = await gateway();
    const licensed = await gw.request(path, bearer(await gw.token()));
    expect(licensed.status).toBe(200);
    expect(await licensed.text()).toContain(LATE);
    expect(licensed.headers.get('cache-control')).toBe('private, no-store');
    expect(licensed.headers.get('vary')).toMatch(/\bAuthorization\b/);

    const anonymous = await gw.request(path);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(anonymous.headers.get('etag')).not.toBe(licensed.headers.get('etag'));
  });

  it('a licensed ETag does not turn an anonymous request into a 304 of licensed bytes', async () => {
    const gw = await gateway();
    const path = CONTENT_PATHS[0];
    const licensed = await gw.request(path, bearer(await gw.token()));
    const anonymous = await gw.request(path, { headers: { 'If-None-Match': licensed.headers.get('etag')! } });
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
  });

  it('a shared cache that honours Cache-Control would not store a licensed response', async () => {
    const gw = await gateway();
    for (const path of CONTENT_PATHS) {
      const cc = (await gw.request(path, bearer(await gw.token()))).headers.get('cache-control') ?? '';
      expect(cc.split(/,\s*/)).toEqual(expect.arrayContaining(['private', 'no-store']));
      expect(cc).not.toMatch(/public|s-maxage|max-age/);
    }
  });
});
