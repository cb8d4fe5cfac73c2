// Per-server circuit breaker: after `failureThreshold` consecutive connection failures or timeouts,
// lookups fail at once for `openMs`; then one half-open probe decides whether to close again.
// This keeps a dead Vault from costing every admission a full timeout.
import type { VaultBreakerConfig } from './config.js';

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAtMs = 0;
  private state: BreakerState = 'closed';
  private probeInFlight = false;

  constructor(
    private readonly config: VaultBreakerConfig,
    private readonly onChange: (open: boolean) => void = () => undefined,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Whether a request may go out now. In half-open state only one probe at a time is allowed. */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.nowMs() - this.openedAtMs < this.config.openMs) return false;
      this.state = 'half_open';
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** The server answered (any HTTP status): it is reachable. */
  recordSuccess(): void {
    this.probeInFlight = false;
    this.consecutiveFailures = 0;
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.onChange(false);
    }
  }

  /**
   * The request ended without telling anything about Vault (the product's own deadline cut it
   * short): neither a success nor a failure, but a half-open probe slot is freed.
   */
  recordNeutral(): void {
    this.probeInFlight = false;
  }

  /** Connection error or timeout. */
  recordFailure(): void {
    this.probeInFlight = false;
    this.consecutiveFailures += 1;
    if (this.state === 'half_open' || this.consecutiveFailures >= this.config.failureThreshold) {
      const wasOpen = this.state !== 'closed';
      this.state = 'open';
      this.openedAtMs = this.nowMs();
      if (!wasOpen) this.onChange(true);
    }
  }

  get current(): BreakerState {
    return this.state;
  }
}
