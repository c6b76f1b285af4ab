// Pretenuring off in `wiregate serve` (src/node/pretenuring.ts): once most objects of an allocation site
// have survived young-generation collections, V8 allocates that site's objects in the old generation for
// good, short-lived or not. The probe (support/tenure-probe.mjs) makes a site's objects survive forty
// minor collections and counts where its next 100 objects go. In a plain Node process (the control) none
// is young, or this runtime no longer tenures and the test says so by failing its first expectation; in
// the server, loaded with --import and asked by signal once it listens, all 100 are.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempCopies } from './support/scratch.ts';
import { serveIn, type Served } from './support/serve.ts';

const PROBE = pathToFileURL(join(ROOT, 'test', 'node', 'support', 'tenure-probe.mjs')).href;
const V8_ACCESS = ['--expose-gc', '--allow-natives-syntax'];
const tempCopy = tempCopies('pretenuring');
const servers: Served[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

describe('pretenuring off', () => {
  it('a plain Node process tenures a site whose objects survived; `wiregate serve` does not', async () => {
    const control = spawnSync(process.execPath, [...V8_ACCESS, '--input-type=module', '-e', `console.log((await import('${PROBE}')).youngOf100())`], {
      encoding: 'utf8',
    });
    expect(control.status, control.stderr).toBe(0);
    expect(control.stdout.trim()).toBe('0');

    const served = await serveIn(tempCopy(), () => ({}), [...V8_ACCESS, '--import', PROBE]);
    servers.push(served);
    process.kill(served.pid, 'SIGUSR2');
    for (let waited = 0; !/tenure-probe \d+/.test(served.logSinceStart()) && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(/tenure-probe (\d+)/.exec(served.logSinceStart())?.[1]).toBe('100');
  });
});
