// Faults fail closed: a missing receipt secret or broken settings never yield more than the excerpt.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { takeDown } from '../src/store/story-changes.ts';
import { changeStory } from '../src/store/writes.ts';
import { BINDINGS, bearer, CONTENT_PATHS, FIRST, gateway, LATE, SLUG } from './support/gateway.ts';

describe('fail closed', () => {
  it.each(CONTENT_PATHS)('%s: without a receipt secret, licensed requests get 503 and no full text; anonymous ones the excerpt', async (path) => {
    const gw = await gateway();
    const bindings = { WIREGATE_PUBLIC_URL: BINDINGS.WIREGATE_PUBLIC_URL! };
    const licensed = await gw.request(path, bearer(await gw.token()), bindings);
    expect(licensed.status).toBe(503);
    expect(licensed.headers.get('cache-control')).toBe('no-store');
    const text = await licensed.text();
    expect(JSON.parse(text).code).toBe('receipts_unavailable');
    expect(text).not.toContain(LATE);
    const anonymous = await gw.request(path, undefined, bindings);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).not.toContain(LATE);
  });

  it.each(CONTENT_PATHS.filter((p) => p.startsWith('/feeds/')))(
    '%s: a licensed feed with nothing left in it (its only story killed) is refused the same way without a receipt secret',
    async (path) => {
      const gw = await gateway();
      const now = Date.now();
      await changeStory(gw.store.db, SLUG, 'kill', { operator: 'test' }, now, (s) => takeDown(s, 'canceled', 'Legal.', now));
      const token = bearer(await gw.token());
      const refused = await gw.request(path, token, { WIREGATE_PUBLIC_URL: BINDINGS.WIREGATE_PUBLIC_URL! });
      expect(refused.status).toBe(503);
      const problem = await refused.text();
      expect(JSON.parse(problem).code).toBe('receipts_unavailable');
      // With the secret, the same empty page is served: the refusal is the missing secret, not the page.
      const served = await gw.request(path, token, BINDINGS);
      expect(served.status).toBe(200);
      const page = await served.text();
      for (const text of [problem, page]) {
        expect(text).not.toContain(FIRST);
        expect(text).not.toContain(LATE);
      }
    },
  );

  it.each([
    ['an HMAC algorithm in the allow-list', { WIREGATE_ALGORITHMS: 'HS256' }],
    ['a public URL that is not a URL', { WIREGATE_PUBLIC_URL: 'not a url' }],
    ['a negative excerpt budget', { WIREGATE_EXCERPT_WORDS: '-5' }],
  ])('broken settings (%s) give a 500 problem with no story text, for anonymous and licensed requests', async (_name, broken) => {
    // The operator is told, once per refused request, on the error log; asserted here rather than printed.
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const gw = await gateway();
    const bindings = { ...BINDINGS, ...broken };
    for (const path of CONTENT_PATHS) {
      for (const init of [undefined, bearer(await gw.token())]) {
        const res = await gw.request(path, init, bindings);
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(await res.text()).not.toContain(LATE);
      }
    }
    expect(log).toHaveBeenCalled();
    for (const [line] of log.mock.calls) {
      expect(String(line)).toMatch(/^wiregate: (unhandled SettingsError on GET|invalid settings; check the WIREGATE_\* variables)$/);
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
});
