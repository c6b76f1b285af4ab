// Issue 11, finding 6: a token in the URL is refused (400, error="invalid_request") in every spelling —
// array brackets, NUL and other bytes in the name, case, `&amp;` — and as a `;` parameter in the path.

import { describe, expect, it } from 'vitest';
import { CONTENT_PATHS, gateway, LATE, SLUG } from './support/gateway.ts';

const SPELLINGS = [
  'token[]',
  'access_token[]',
  'access_token%00',
  'ACCESS_TOKEN',
  'Access_Token[]',
  'jwt[x]',
  'access-token',
  'License_Token',
  'amp;access_token',
  '%61ccess_token',
  'access_token%20',
];

describe('token-like URL parameters in other spellings', () => {
  it.each(SPELLINGS)('?%s=<token> on every content path: 400 token_in_query, nothing of the story', async (name) => {
    const gw = await gateway();
    const token = await gw.token();
    for (const path of CONTENT_PATHS) {
      const res = await gw.request(`${path}?page=1&${name}=${token}`);
      expect(res.status, `${path}?${name}`).toBe(400);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
      const text = await res.text();
      expect(JSON.parse(text).code).toBe('token_in_query');
      expect(text).not.toContain(LATE);
      expect(text).not.toContain(token);
    }
  });

  it.each([
    `/articles/${SLUG};access_token=T`,
    `/articles/${SLUG}.txt;access_token=T`,
    '/feeds/world/rss.xml;access_token=T',
    '/feeds/world;TOKEN=T/atom.xml',
    '/;jwt=T',
    `/articles/${SLUG}%3Baccess_token=T`,
    `/articles/${SLUG};x=1;access_token[]=T`,
  ])('%s: 400 token_in_query', async (path) => {
    const gw = await gateway();
    const token = await gw.token();
    const res = await gw.request(path.replace('=T', `=${token}`));
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('token_in_query');
    expect(text).not.toContain(token);
  });

  it('other parameters and semicolons that carry no token are still served', async () => {
    const gw = await gateway();
    for (const path of [`/articles/${SLUG}?tokens_left=3`, `/articles/${SLUG}?utm_source=x&page=2`, '/feeds/world/rss.xml?page=1']) {
      expect((await gw.request(path)).status, path).toBe(200);
    }
  });
});
