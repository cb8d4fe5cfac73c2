// The audit's rate limit: objects start their check no faster than `objectsPerSecond`, one at a
// time. Limiting objects (not HTTP requests) is what the audit can enforce without reaching into
// the Vault client: one object costs a bounded handful of lookups, most of them shared through the
// fact cache (policies, roles, mounts), so Vault sees at most a small multiple of this rate.
import { setTimeout as sleep } from 'node:timers/promises';

export class Pacer {
  private readonly spacingMs: number;
  private nextAtMs = 0;

  constructor(objectsPerSecond: number) {
    this.spacingMs = objectsPerSecond > 0 ? 1000 / objectsPerSecond : 0;
  }

  /** Resolves when the next object may start; rejects (AbortError) when `signal` aborts first. */
  async next(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const now = Date.now();
    const at = Math.max(now, this.nextAtMs);
    this.nextAtMs = at + this.spacingMs;
    if (at > now) await sleep(at - now, undefined, { signal });
  }
}
