// Exponential backoff, the one implementation: the Kubernetes watches reconnect with it after a
// failure (kube/reflector.ts), and the Vault client retries a connection error with it within an
// admission's deadline (vault/server-session.ts).

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Random spread as a fraction (0.2: ±20%), so replicas do not retry in step; default 0.2 for Backoff, none for backoffDelayMs. */
  jitter?: number;
}

/** Kubernetes reconnects: from half a second up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** The delay before retry number `attempt` (0 first): initial·2^attempt capped at max, spread by the jitter. */
export function backoffDelayMs(attempt: number, opts: BackoffOptions): number {
  const base = Math.min(opts.initialMs * 2 ** attempt, opts.maxMs);
  const jitter = opts.jitter ?? 0;
  return jitter === 0 ? base : Math.round(base * (1 - jitter + Math.random() * 2 * jitter));
}

/** Counts attempts until reset(): each nextDelayMs() is the next step of backoffDelayMs. */
export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  nextDelayMs(): number {
    const delay = backoffDelayMs(this.attempt, { ...this.opts, jitter: this.opts.jitter ?? 0.2 });
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** A sleep that an abort (a close()) can cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
