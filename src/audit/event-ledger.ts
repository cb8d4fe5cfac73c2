// Which audit findings deserve an Event this pass. A finding that persists from pass to pass is
// announced once, then again only every `reemitAfterMs` (so it stays visible after Events expire,
// 1 h by default in the API server); a finding that disappeared and came back is announced anew.
// The EventRecorder has its own short de-duplication window; this ledger is what makes the audit
// quiet across passes.

export class EventLedger {
  private readonly lastEmittedMs = new Map<string, number>();

  constructor(private readonly reemitAfterMs: number, private readonly now: () => number = Date.now) {}

  /** (object uid, code, field, message): the identity of one finding on one object. */
  static keyOf(uid: string, code: string, field: string, message: string): string {
    return JSON.stringify([uid, code, field, message]);
  }

  /** True when the finding should be emitted now; records the emission. */
  shouldEmit(key: string): boolean {
    const last = this.lastEmittedMs.get(key);
    const now = this.now();
    if (last !== undefined && now - last < this.reemitAfterMs) return false;
    this.lastEmittedMs.set(key, now);
    return true;
  }

  /** Ends a pass: findings not present any more (fixed, object gone) are forgotten. */
  retainOnly(present: ReadonlySet<string>): void {
    for (const key of this.lastEmittedMs.keys()) if (!present.has(key)) this.lastEmittedMs.delete(key);
  }

  clear(): void {
    this.lastEmittedMs.clear();
  }

  get size(): number {
    return this.lastEmittedMs.size;
  }
}
