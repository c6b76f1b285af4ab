// Preloaded into the soak's server process only (node --import): answers "mem" on the IPC channel the
// soak opened with the server's own process.memoryUsage(), after a full GC when --expose-gc is on.
// Nothing in the app changes; without the channel (a normal start) this does nothing.
if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message !== 'mem') return;
    globalThis.gc?.();
    process.send({ mem: process.memoryUsage() });
  });
  // The channel must not keep the server alive on its own.
  process.channel?.unref();
}
