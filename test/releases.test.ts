// Embargoes that release themselves (SPEC §10): at the instant the WebSub hub is told that the story's
// feeds changed — the Workers Cron Trigger (scheduled handler) over real D1 in workerd, the store's
// release query in both runtimes; the Node timer is tested over real HTTP in test/node/.

import { inject, describe, expect, it } from 'vitest';
import { settingsFrom } from '../src/settings.ts';
import { releaseDue } from '../src/store/releases.ts';
import { changeStory } from '../src/store/writes.ts';
import { embargo } from '../src/store/story-changes.ts';
import { RUNTIME, testD1 } from '#test-store';
import type { D1Like } from '../src/store/d1-driver.ts';
import { d1Driver } from '../src/store/d1-driver.ts';
import { Store } from '../src/store/store.ts';
import worker from '../src/worker.ts';
import { gateway, packedFiles, SLUG } from './support/gateway.ts';

describe('releases', () => {
  it('tells the hub about every feed of a story whose embargo ended in the window, once, and nothing else', async () => {
    const gw = await gateway();
    const now = Date.now();
    const until = new Date(now + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await changeStory(gw.store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    const hubId = crypto.randomUUID();
    const settings = settingsFrom({ WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: `${inject('jwksServer')}/hub/${hubId}` });
    const pings = async () => (await (await fetch(`${inject('jwksServer')}/pings/${hubId}`)).json()) as string[];
    // Before the instant: nothing. Across it: every format of the feed, once.
    await releaseDue(gw.store.db, settings, now, now + 30_000);
    expect(await pings()).toEqual([]);
    await releaseDue(gw.store.db, settings, now + 30_000, Date.parse(until) + 1_000);
    const sent = (await pings()).map((p) => new URLSearchParams(p));
    expect(sent.map((p) => p.get('hub.mode'))).toEqual(['publish', 'publish', 'publish']);
    expect(sent.map((p) => p.get('hub.url'))).toEqual(['rss.xml', 'atom.xml', 'feed.json'].map((f) => `https://wire.example/feeds/world/${f}`));
    await releaseDue(gw.store.db, settings, Date.parse(until) + 1_000, Date.parse(until) + 61_000);
    expect((await pings()).length).toBe(3);
  });
});

describe.runIf(RUNTIME === 'workerd')('the Workers Cron Trigger', () => {
  it('scheduled() releases what ended in the minute before its scheduled time', async () => {
    const db = await testD1(packedFiles());
    const store = new Store(d1Driver(db as D1Like));
    const now = Date.now();
    const until = new Date(now + 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await changeStory(store.db, SLUG, 'embargo', { operator: 'test' }, now, (s) => embargo(s, until, now));
    const hubId = crypto.randomUUID();
    const env = { DB: db, WIREGATE_PUBLIC_URL: 'https://wire.example', WIREGATE_WEBSUB_HUB: `${inject('jwksServer')}/hub/${hubId}` };
    await worker.scheduled({ scheduledTime: Date.parse(until) + 10_000 }, env as never);
    const pings = (await (await fetch(`${inject('jwksServer')}/pings/${hubId}`)).json()) as string[];
    expect(pings.map((p) => new URLSearchParams(p).get('hub.url'))).toContain('https://wire.example/feeds/world/atom.xml');
  });
});
