// Answers decided in one turn of the event loop are written together, at its end (setImmediate),
// instead of each as soon as it is decided. Writing to a socket whose reader sleeps wakes that
// reader (on a VM a cross-CPU interrupt): answers written one by one, each after some work of ours,
// wake the API server's connection readers once per answer, and that wake-up, counted in the
// writer's send(), cost more CPU than a fully checked admission (bench/results/profile-*.txt: about
// 45 µs per answer against 10 µs written together). An answer waits at most for the admissions
// decided in the same turn; one decided alone (or after Vault answered) is written right after it.

/** Queues `send` to run at the end of the current event-loop turn, with every other queued send. */
export function createReplyBatch(onError: (err: unknown) => void): (send: () => void) => void {
  let queued: (() => void)[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const batch = queued;
    queued = [];
    for (const send of batch) {
      try {
        send();
      } catch (err) {
        onError(err);
      }
    }
  };
  return (send) => {
    queued.push(send);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
