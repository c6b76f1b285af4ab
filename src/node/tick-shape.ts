// Keeps Node's nextTick fast for the life of the process: holds one of its tick objects.
//
// process.nextTick builds each tick as an object literal with computed keys. V8 links the hidden classes
// ("maps") such a literal passes through only weakly, so a full garbage collection at a moment when no
// tick is queued (an idle server, or a collection during one long render) frees them, and the next tick
// builds new ones. After four such collections the literal's inline caches have seen five shapes and turn
// megamorphic for good: every nextTick (several per request) then defines its properties through the
// runtime. Measured on the bench's gateway (public story, side by side with an identical process): after
// one licensed 50-item feed (whose render set off such a collection) 0.80–0.82 of the other process's rate
// per CPU-second; with a tick object held, 1.00. Twelve forced collections alone have the same effect.
// A tick object that never dies keeps its maps alive, so they are never rebuilt.

import { executionAsyncResource } from 'node:async_hooks';

let held: object | undefined;

/**
 * Holds the tick object of one nextTick call: inside its callback it is the current async resource.
 * No async hook is enabled for it: one with an `init` callback would install V8 promise hooks, and
 * that trips a V8 protector for good (promise operations no longer inlined), a lasting cost of its own.
 */
export function holdTickShape(): void {
  if (held) return;
  process.nextTick(() => {
    held ??= executionAsyncResource();
  });
}
