// SPEC §10 freshness: a change made through one gateway instance reaches another within
// WIREGATE_STATE_TTL_MS (as separate Workers isolates share one D1), and a gateway that cannot read
// its store serves nothing older than that bound: 503 store_unavailable with Retry-After.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { newApp } from '../src/app.ts';
import type { SqlDriver } from '../src/store/sql.ts';
import { Store } from '../src/store/store.ts';
import { changeStory } from '../src/store/writes.ts';
import { takeDown } from '../src/store/story-changes.ts';
import { BINDINGS, bearer, gateway, LATE, SLUG } from './support/gateway.ts';

const TTL = 5_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('changes reach every instance within the TTL', () => {
  it('a kill made elsewhere is served as before for less than the TTL, and enforced once it has passed', async () => {
    const gw = await gateway();
    // A second instance over the same database, holding what it read for up to TTL ms.
    const isolate = new Store(gw.store.db, { ttlMs: TTL });
    const app = newApp(() => isolate);
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const token = await gw.token();
    expect((await app.request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS)).status).toBe(200);
    await changeStory(gw.store.db, SLUG, 'kill', { operator: 'test' }, t0, (s) => takeDown(s, 'canceled', 'Legal.', t0));
    // The instance that made the change (ttl 0, like Node) enforces it on the next request.
    expect((await gw.request(`/articles/${SLUG}.txt`)).status).toBe(410);
    vi.setSystemTime(t0 + TTL - 1);
    for (const init of [{}, bearer(token)]) {
      const res = await app.request(`/articles/${SLUG}.txt`, init, BINDINGS);
      expect([200, 410]).toContain(res.status);
    }
    vi.setSystemTime(t0 + TTL);
    for (const init of [{}, bearer(token)]) {
      const res = await app.request(`/articles/${SLUG}.txt`, init, BINDINGS);
      expect(res.status).toBe(410);
      expect(await res.text()).not.toContain(LATE);
    }
  });
});

describe('Workers: a read belongs to the request that starts it (perRequestIo)', () => {
  it('a background confirmation cut off with its request never holds up the requests after it', async () => {
    const gw = await gateway();
    // workerd cancels a request's I/O when the request ends: here the snapshot reads of the
    // confirmation started by the second request never settle, as a cut-off D1 read would not.
    let cutOff = false;
    const db: SqlDriver = {
      all: (s) => (cutOff ? new Promise(() => {}) : gw.store.db.all(s)),
      first: (s) => gw.store.db.first(s),
      batch: (s) => gw.store.db.batch(s),
    };
    const isolate = new Store(db, { ttlMs: TTL, perRequestIo: true });
    const app = newApp(() => isolate);
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    expect((await app.request(`/articles/${SLUG}`, {}, BINDINGS)).status).toBe(200);
    await changeStory(gw.store.db, SLUG, 'kill', { operator: 'test' }, t0, (s) => takeDown(s, 'canceled', 'Legal.', t0));
    vi.setSystemTime(t0 + TTL / 2 + 1);
    cutOff = true;
    expect((await app.request(`/articles/${SLUG}`, {}, BINDINGS)).status).toBe(200); // held; confirming in the background
    cutOff = false;
    vi.setSystemTime(t0 + TTL + 1);
    const late = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5_000));
    const res = await Promise.race([app.request(`/articles/${SLUG}.txt`, bearer(await gw.token()), BINDINGS), late]);
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(410);
    expect(await (res as Response).text()).not.toContain(LATE);
  });
});

describe('an unreadable store', () => {
  it('a failing change check (Node: PRAGMA data_version) is 503 store_unavailable, never 500 or a kept answer', async () => {
    const gw = await gateway();
    let down = false;
    const fail = <T>(read: () => Promise<T>) => (down ? Promise.reject(new Error('unreachable')) : read());
    const cut: SqlDriver = {
      all: (s) => fail(() => gw.store.db.all(s)),
      first: (s) => fail(() => gw.store.db.first(s)),
      batch: (s) => fail(() => gw.store.db.batch(s)),
      version: () => {
        if (down) throw new Error('disk I/O error');
        return 1;
      },
    };
    const app = newApp(() => new Store(cut, { ttlMs: 0 }));
    // Twice, so the public answer is kept; then the store goes away.
    for (let i = 0; i < 2; i++) expect((await app.request(`/articles/${SLUG}`, {}, BINDINGS)).status).toBe(200);
    down = true;
    for (const init of [{}, bearer(await gw.token())]) {
      const res = await app.request(`/articles/${SLUG}`, init, BINDINGS);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { code: string }).code).toBe('store_unavailable');
    }
  });

  it('gets 503 store_unavailable once what the gateway holds is older than the TTL, licensed and public', async () => {
    const gw = await gateway();
    let down = false;
    // The real store, cut off: every read fails while `down`, as a D1 outage would.
    const cut: SqlDriver = {
      all: (s) => (down ? Promise.reject(new Error('unreachable')) : gw.store.db.all(s)),
      first: (s) => (down ? Promise.reject(new Error('unreachable')) : gw.store.db.first(s)),
      batch: (s) => (down ? Promise.reject(new Error('unreachable')) : gw.store.db.batch(s)),
    };
    const isolate = new Store(cut, { ttlMs: TTL });
    const app = newApp(() => isolate);
    vi.useFakeTimers({ toFake: ['Date'] });
    const t0 = Date.now();
    const token = await gw.token();
    expect((await app.request(`/articles/${SLUG}.txt`, bearer(token), BINDINGS)).status).toBe(200);
    down = true;
    vi.setSystemTime(t0 + TTL + 1);
    for (const init of [{}, bearer(token)]) {
      const res = await app.request(`/articles/${SLUG}.txt`, init, BINDINGS);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(((await res.json()) as { code: string }).code).toBe('store_unavailable');
    }
  });
});
