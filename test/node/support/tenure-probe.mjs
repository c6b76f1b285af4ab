// V8's allocation-site pretenuring, seen from inside a process (run it with --expose-gc and
// --allow-natives-syntax): youngOf100() makes one allocation site's objects survive forty minor
// collections, then counts how many of the site's next 100 objects V8 puts in the young generation:
// 0 where pretenuring is on (the site was tenured), 100 where it is off. Loaded with --import into
// another program, it answers on SIGUSR2 with a line `tenure-probe <count>` on stderr.

export function youngOf100() {
  const make = (i) => ({ id: i, parts: [i], name: `story-${i}` });
  const kept = [];
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 20_000; i++) kept.push(make(i));
    globalThis.gc({ type: 'minor' });
  }
  const young = new Function('o', 'return %InYoungGeneration(o)');
  let count = 0;
  for (let i = 0; i < 100; i++) if (young(make(i))) count++;
  return count;
}

process.on('SIGUSR2', () => {
  process.stderr.write(`tenure-probe ${youngOf100()}\n`);
});
