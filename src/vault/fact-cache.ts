// Bounded fact cache with per-kind lifetimes and request coalescing: concurrent lookups of one fact
// share one Vault request, also while that request is in flight. Only facts are stored, and facts
// never hold secret values (shapes, metadata without custom values, policy text, roles, mounts).
import { LRUCache } from 'lru-cache';
import type { VaultCacheConfig } from './config.js';
import type { Fact } from './facts.js';
import type { VaultMetrics } from './metrics.js';
import type { RequestBudget, RequestScheduler } from './request-budget.js';

/** A lookup charged to an object's budget: it waits for that object's turn before it is sent. */
export interface LookupGate {
  scheduler: RequestScheduler;
  budget: RequestBudget;
  source: string;
}

export type FactKind =
  | 'mount' | 'auth_mounts' | 'auth_role' | 'auth_config' | 'kv_config' | 'policy' | 'kv_metadata' | 'secret_shape' | 'list_keys'
  | 'tls_chain';

type AnyFact = Fact<unknown>;

// One settled promise per stored fact object, handed to every hit instead of a new one each time (a
// settled promise cannot change; a replaced entry is a new object, so it gets its own).
const answers = new WeakMap<AnyFact, Promise<AnyFact>>();
function answerOf<T>(fact: AnyFact): Promise<Fact<T>> {
  let answer = answers.get(fact);
  if (!answer) answers.set(fact, (answer = Promise.resolve(fact)));
  return answer as Promise<Fact<T>>;
}

export class FactCache {
  private readonly entries: LRUCache<string, AnyFact>;
  private readonly inflight = new Map<string, Promise<AnyFact>>();
  private coalescedCount = 0;

  constructor(private readonly config: VaultCacheConfig, private readonly metrics: VaultMetrics) {
    this.entries = new LRUCache<string, AnyFact>({ max: Math.max(1, config.maxEntries) });
  }

  private positiveTtlMs(kind: FactKind): number {
    switch (kind) {
      case 'policy': return this.config.policyTtlMs;
      case 'auth_role': case 'auth_config': case 'kv_config': return this.config.roleTtlMs;
      case 'mount': case 'auth_mounts': case 'tls_chain': return this.config.mountTtlMs;
      default: return this.config.secretTtlMs;
    }
  }

  private ttlFor(kind: FactKind, fact: AnyFact): number {
    // A secret read that found nothing (missing/deleted/destroyed/invalid path) is a negative answer too.
    if (fact.status === 'ok' && kind === 'secret_shape' && (fact.value as { state?: string }).state !== 'present') return this.config.negativeTtlMs;
    if (fact.status === 'ok') return this.positiveTtlMs(kind);
    // A missing thing or the webhook's own denial: cached briefly so a fix shows up fast.
    if (fact.status === 'not_found' || fact.status === 'forbidden') return this.config.negativeTtlMs;
    return 0; // sealed/unavailable/timeout/not_configured describe the moment, not Vault's content
  }

  /**
   * The in-flight answer (joined, counted as a hit), or undefined: for a caller whose `hit` just
   * missed, so the stored entries are not asked again.
   */
  joinInFlight<T>(kind: FactKind, key: string, deadlineAtMs: number): Promise<Fact<T>> | undefined {
    const fullKey = `${kind}|${key}`;
    const running = this.inflight.get(fullKey);
    if (!running) return undefined;
    this.metrics.countCacheHit(kind);
    this.coalescedCount += 1;
    return raceDeadline(running as Promise<Fact<T>>, deadlineAtMs, `${key} (joined in-flight request)`);
  }

  /** The cached answer (counted as a hit), or undefined; in-flight lookups are not joined here. */
  hit<T>(kind: FactKind, key: string): Promise<Fact<T>> | undefined {
    const cached = this.entries.get(`${kind}|${key}`);
    if (!cached) return undefined;
    this.metrics.countCacheHit(kind);
    return answerOf<T>(cached);
  }

  async get<T>(kind: FactKind, key: string, deadlineAtMs: number, load: () => Promise<Fact<T>>, gate?: LookupGate): Promise<Fact<T>> {
    const fullKey = `${kind}|${key}`;
    const found = this.lookupOrJoin<T>(kind, fullKey, key, deadlineAtMs, true);
    if (found) return found;
    this.metrics.cacheMisses.inc({ kind });
    if (!gate) return this.loadNow(kind, fullKey, load);
    const admission = await gate.scheduler.acquire(gate.budget);
    if (!admission.ok) return { status: 'skipped', source: gate.source, reason: admission.reason };
    // Another object may have fetched it while this one waited its turn: no slot needed to join.
    const meanwhile = this.lookupOrJoin<T>(kind, fullKey, key, deadlineAtMs, false);
    if (meanwhile) {
      admission.release();
      return meanwhile;
    }
    try {
      return await this.loadNow(kind, fullKey, load);
    } finally {
      admission.release();
    }
  }

  private lookupOrJoin<T>(kind: FactKind, fullKey: string, key: string, deadlineAtMs: number, count: boolean): Promise<Fact<T>> | undefined {
    const cached = this.entries.get(fullKey);
    if (cached) {
      if (count) this.metrics.countCacheHit(kind);
      return answerOf<T>(cached);
    }
    const running = this.inflight.get(fullKey);
    if (!running) return undefined;
    if (count) this.metrics.countCacheHit(kind);
    this.coalescedCount += 1;
    return raceDeadline(running as Promise<Fact<T>>, deadlineAtMs, `${key} (joined in-flight request)`);
  }

  private async loadNow<T>(kind: FactKind, fullKey: string, load: () => Promise<Fact<T>>): Promise<Fact<T>> {
    const promise = load().then((fact) => {
      const ttl = this.ttlFor(kind, fact as AnyFact);
      // Stored as every later lookup sees it (one object shared by all hits: facts are never changed).
      if (ttl > 0) this.entries.set(fullKey, { ...fact, source: `${fact.source} (cache)` } as AnyFact, { ttl });
      return fact;
    });
    this.inflight.set(fullKey, promise as Promise<AnyFact>);
    try {
      return await promise;
    } finally {
      this.inflight.delete(fullKey);
    }
  }

  /** A cached fact, or undefined; counts nothing (for facts derived from it). */
  entry<T>(kind: FactKind, key: string): Fact<T> | undefined {
    return this.entries.get(`${kind}|${key}`, { updateAgeOnGet: false }) as Fact<T> | undefined;
  }

  /** Stores a fact under `key` for its kind's lifetime, as a lookup would. */
  put<T>(kind: FactKind, key: string, fact: Fact<T>): void {
    const ttl = this.ttlFor(kind, fact as AnyFact);
    if (ttl > 0) this.entries.set(`${kind}|${key}`, fact as AnyFact, { ttl });
  }

  clear(): void {
    this.entries.clear();
  }

  get coalesced(): number {
    return this.coalescedCount;
  }

  snapshot(): { key: string; fact: AnyFact }[] {
    return [...this.entries.entries()].map(([key, fact]) => ({ key, fact }));
  }
}

/** A joined lookup still honours its own admission deadline. */
export function raceDeadline<T>(promise: Promise<Fact<T>>, deadlineAtMs: number, source: string): Promise<Fact<T>> {
  const remainingMs = deadlineAtMs - Date.now();
  if (remainingMs <= 0) return Promise.resolve({ status: 'timeout', source });
  return new Promise<Fact<T>>((resolve) => {
    const timer = setTimeout(() => resolve({ status: 'timeout', source }), remainingMs);
    promise.then(
      (fact) => { clearTimeout(timer); resolve(fact); },
      (err: unknown) => {
        clearTimeout(timer);
        resolve({ status: 'unavailable', source, detail: err instanceof Error ? err.message : 'lookup failed' });
      },
    );
  });
}
