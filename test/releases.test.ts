// Embargoes that release themselves (SPEC §10): at the instant the WebSub hub is told that the story's
// feeds changed — the Workers Cron Trigger (scheduled handler) over real D1 in workerd, the store's
// release query in both runtimes; the Node timer is tested over real HTTP in test/node/.

import { inject, describe, expect, it } from 'vitest';
import { settingsFrom } from '../src/settings.ts';
import { releaseSinceTold } from '../src/store/releases.ts';
import { changeStory } from '../src/store/writes.ts';
import { embargo } from '../src/store/story-changes.ts';
import { RUNTIME, testD1 } from '#test-store';
import type { D1Like } from '../src/store/d1-driver.ts';
import { d1Driver } from '../src/store/d1-driver.ts';
import { Store } from '../src/store/store.ts';
import worker from '../src/worker.ts';
import { gateway, packedFiles, SLUG } from './support/gateway.ts';

describe('releases', () => {
  it('tells the hub about every feed of a story whose embargo ended since it was last told, once, and nothing else', async () => {
    const gw = await gateway();
    const now = Date.now();
    const until = new Date(now + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await changeStory(gw.store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    const hubId = crypto.randomUUID();
    const settings = settingsFrom({ WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: `${inject('jwksServer')}/hub/${hubId}` });
    const pings = async () => (await (await fetch(`${inject('jwksServer')}/pings/${hubId}`)).json()) as string[];
    // Before the instant: nothing, and the next release is named. Across it: every format of the feed, once.
    expect(await releaseSinceTold(gw.store.db, settings, now + 30_000, now)).toBe(Date.parse(until));
    expect(await pings()).toEqual([]);
    await releaseSinceTold(gw.store.db, settings, Date.parse(until) + 1_000);
    const sent = (await pings()).map((p) => new URLSearchParams(p));
    expect(sent.map((p) => p.get('hub.mode'))).toEqual(['publish', 'publish', 'publish']);
    expect(sent.map((p) => p.get('hub.url'))).toEqual(['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`));
    await releaseSinceTold(gw.store.db, settings, Date.parse(until) + 61_000);
    expect((await pings()).length).toBe(3);
  });
});

describe.runIf(RUNTIME === 'workerd')('the Workers Cron Trigger', () => {
  const hub = () => {
    const hubId = crypto.randomUUID();
    return {
      url: `${inject('jwksServer')}/hub/${hubId}`,
      pings: async () => ((await (await fetch(`${inject('jwksServer')}/pings/${hubId}`)).json()) as string[]).map((p) => new URLSearchParams(p).get('hub.url')),
    };
  };
  const embargoed = async (minutes: number) => {
    const db = await testD1(packedFiles());
    const store = new Store(d1Driver(db as D1Like));
    const now = Date.now();
    const until = new Date(now + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await changeStory(store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    return { db, until: Date.parse(until) };
  };

  it('scheduled() releases what ended in the minute before its scheduled time', async () => {
    const { db, until } = await embargoed(0.5);
    const h = hub();
    const env = { DB: db, WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: h.url };
    await worker.scheduled({ scheduledTime: until + 10_000 }, env as never);
    expect(await h.pings()).toContain('https://wire.example/feeds/world/atom.xml');
  });

  it('a run that was missed loses nothing: the next one tells what ended since the hub was last told', async () => {
    const { db, until } = await embargoed(0.5);
    const h = hub();
    const env = { DB: db, WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: h.url };
    await worker.scheduled({ scheduledTime: until - 20_000 }, env as never); // before the instant: nothing yet
    expect(await h.pings()).toEqual([]);
    // The runs of the next five minutes never came; the one after them still tells, once.
    await worker.scheduled({ scheduledTime: until + 5 * 60_000 }, env as never);
    await worker.scheduled({ scheduledTime: until + 6 * 60_000 }, env as never);
    expect(await h.pings()).toEqual(['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`));
  });

  it('without WIREGATE_PUBLIC_URL it pings nothing rather than URLs no subscriber holds', async () => {
    const { db, until } = await embargoed(0.5);
    const h = hub();
    await worker.scheduled({ scheduledTime: until + 10_000 }, { DB: db, WIREGATE_WEBSUB_HUB: h.url } as never);
    expect(await h.pings()).toEqual([]);
  });
});
