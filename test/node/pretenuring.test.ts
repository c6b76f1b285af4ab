// Pretenuring off (src/node/pretenuring.ts, called at the start of `wiregate serve`): once most objects of
// an allocation site have survived young-generation collections, V8 allocates that site's objects in the
// old generation for good, short-lived or not. A child Node process makes a site's objects survive forty
// minor collections, then asks V8 (%InYoungGeneration, with --allow-natives-syntax) where the site's
// next objects go: without the call (the control), the old generation, or this runtime no longer tenures
// and the test says so by failing its first expectation; with it, the young one, as they should.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = (off: boolean) => `
if (${off}) (await import('./src/node/pretenuring.ts')).keepAllocationsYoung();
const make = (i) => ({ id: i, parts: [i], name: 'story-' + i });
const kept = [];
for (let round = 0; round < 40; round++) {
  for (let i = 0; i < 20000; i++) kept.push(make(i));
  globalThis.gc({ type: 'minor' });
}
const young = new Function('o', 'return %InYoungGeneration(o)');
let count = 0;
for (let i = 0; i < 100; i++) if (young(make(i))) count++;
console.log(JSON.stringify({ young: count, kept: kept.length }));
`;

function youngOf100(off: boolean): number {
  const run = spawnSync(process.execPath, ['--expose-gc', '--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script(off)], {
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout.trim()) as { young: number }).young;
}

describe('pretenuring off', () => {
  it('without it, a site whose objects survived allocates in the old generation for good; with it, young', () => {
    expect(youngOf100(false)).toBe(0);
    expect(youngOf100(true)).toBe(100);
  });
});
