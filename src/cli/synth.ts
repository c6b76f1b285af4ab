// `wiregate synth`: a synthetic catalog of N stories for tests and benchmarks (written outside the repo's data).

import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FeedDef, Story } from '../catalog/types.ts';
import { dataDirs } from '../node/files.ts';

const WORDS = (
  'minister talks agreement border trade security council vote election capital port harbour ' +
  'government official report court ruling market shares energy supply rainfall drought harvest ' +
  'delegation summit treaty accord protest police budget parliament coalition embassy exports'
).split(' ');

/** A small deterministic generator, so the same N gives the same catalog on every machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface SynthOptions {
  readonly stories: number;
  readonly out: string;
  /** Fractions of stories that are embargoed (in the future) and killed. */
  readonly embargoed?: number;
  readonly killed?: number;
}

export function writeSyntheticCatalog(o: SynthOptions): { feedsDir: string; licensesDir: string } {
  const random = rng(o.stories);
  const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (n: number) => {
    const words = Array.from({ length: n }, pick);
    return `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)}.`;
  };
  const feedsDir = join(o.out, 'feeds');
  const licensesDir = join(o.out, 'licenses');
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(join(feedsDir, 'stories'), { recursive: true });
  cpSync(dataDirs().licenses, licensesDir, { recursive: true });
  const base = Date.parse('2026-01-01T00:00:00Z');
  const feedIds = ['world', 'business', 'sports'];
  const members = new Map<string, string[]>(feedIds.map((id) => [id, []]));
  for (let i = o.stories - 1; i >= 0; i--) {
    const slug = `synthetic-story-${String(i).padStart(6, '0')}`;
    const published = new Date(base + i * 60_000).toISOString().replace('.000Z', 'Z');
    const feed = feedIds[i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0]!;
    const roll = random();
    const status = roll < (o.killed ?? 0.01) ? 'canceled' : roll < (o.killed ?? 0.01) + (o.embargoed ?? 0.02) ? 'embargoed' : 'usable';
    const story: Story = {
      slug,
      headline: `Synthetic story ${i}: ${sentence(6).slice(0, -1)}`,
      dateline: 'Geneva',
      published,
      updated: published,
      version: 1,
      status,
      ...(status === 'embargoed' ? { embargoedUntil: '2099-01-01T00:00:00Z' } : {}),
      ...(status === 'canceled' ? { notice: 'Synthetic kill.' } : {}),
      source: 'Associated Press',
      rightsHolder: 'Associated Press',
      copyrightNotice: 'Copyright 2026 Associated Press. All rights reserved.',
      usageTerms: 'This material may not be published, broadcast, rewritten, or redistributed without permission.',
      feeds: [feed],
      body: Array.from({ length: 8 + Math.floor(random() * 5) }, (_, p) => `${p === 0 ? 'Geneva – ' : ''}${sentence(12)} ${sentence(14)} ${sentence(10)}`),
    };
    writeFileSync(join(feedsDir, 'stories', `${slug}.json`), JSON.stringify(story));
    members.get(feed)!.push(slug);
  }
  for (const id of feedIds) {
    const feed: FeedDef = { id, title: `Synthetic ${id}`, description: `Synthetic ${id} stories.`, language: 'en', stories: members.get(id)! };
    writeFileSync(join(feedsDir, `${id}.json`), JSON.stringify(feed));
  }
  return { feedsDir, licensesDir };
}
