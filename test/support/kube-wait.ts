// Polling helper for tests of asynchronous Kubernetes behaviour: waits until a condition holds,
// failing with the description after a generous deadline (not a timing assertion: it only catches
// a hang, so it is long enough for a machine running several test suites at once).
export async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${description}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const FAST_BACKOFF = { initialMs: 20, maxMs: 200 };
