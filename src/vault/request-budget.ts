// Shares Vault among the objects being checked at the same time. Each object (one admission, one
// `check` object, one audit object) gets a budget: at most `lookupsPerObject` Vault lookups (cache
// misses) and `concurrencyPerObject` of them in flight. All objects together have at most
// `concurrentLookups` in flight; a freed slot goes to the next object in turn (round robin), so one
// huge object waits behind its own queue, never in front of another object's first lookup.
import { configDefaults, type VaultSectionConfig } from '../config/index.js';

/** vault.budget of the configuration (declared in src/config/sections/vault.ts). */
export type BudgetLimits = VaultSectionConfig['budget'];

export const DEFAULT_BUDGET: BudgetLimits = (configDefaults()['vault'] as VaultSectionConfig).budget;

/** What the checks may see of an object's budget (the scheduler keeps the rest). */
export interface RequestBudget {
  readonly limit: number;
  /** A lookup was refused: the object needs more lookups than it may make. */
  readonly exhausted: boolean;
  /** Cached answers this object has already taken, by cache key (the facts layer shares them among its references). */
  readonly hits: Map<string, unknown>;
}

export type Admission = { ok: true; release(): void } | { ok: false; reason: 'budget' | 'deadline' };

interface Waiter {
  grant(): void;
}

class Lane implements RequestBudget {
  left: number;
  inFlight = 0;
  exhausted = false;
  readonly waiters: Waiter[] = [];
  readonly hits = new Map<string, unknown>();
  constructor(readonly limit: number, readonly deadlineAtMs: number) {
    this.left = limit;
  }
}

export class RequestScheduler {
  private inFlight = 0;
  /** Lanes with waiters, in turn order. */
  private readonly ring: Lane[] = [];

  constructor(private readonly limits: BudgetLimits) {}

  open(deadlineAtMs: number): RequestBudget {
    return new Lane(this.limits.lookupsPerObject, deadlineAtMs);
  }

  /** Waits for a slot of `budget` (charged one lookup); refuses at once when the budget is spent, or at its deadline. */
  acquire(budget: RequestBudget): Promise<Admission> {
    const lane = budget as Lane;
    if (lane.left <= 0) {
      lane.exhausted = true;
      return Promise.resolve({ ok: false, reason: 'budget' });
    }
    lane.left -= 1;
    if (this.mayStart(lane) && lane.waiters.length === 0) return Promise.resolve(this.start(lane));
    const remainingMs = lane.deadlineAtMs - Date.now();
    if (remainingMs <= 0) return Promise.resolve({ ok: false, reason: 'deadline' });
    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.start(lane));
        },
      };
      const timer = setTimeout(() => {
        const at = lane.waiters.indexOf(waiter);
        if (at >= 0) lane.waiters.splice(at, 1);
        resolve({ ok: false, reason: 'deadline' });
      }, remainingMs);
      lane.waiters.push(waiter);
      if (!this.ring.includes(lane)) this.ring.push(lane);
    });
  }

  private mayStart(lane: Lane): boolean {
    return this.inFlight < this.limits.concurrentLookups && lane.inFlight < this.limits.concurrencyPerObject;
  }

  private start(lane: Lane): Admission {
    this.inFlight += 1;
    lane.inFlight += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        lane.inFlight -= 1;
        this.dispatch();
      },
    };
  }

  /** Hands free slots to waiting lanes in turn. */
  private dispatch(): void {
    let idle = 0;
    while (this.ring.length > 0 && this.inFlight < this.limits.concurrentLookups && idle < this.ring.length) {
      const lane = this.ring.shift() as Lane;
      if (lane.waiters.length === 0) continue;
      if (lane.inFlight >= this.limits.concurrencyPerObject) {
        this.ring.push(lane);
        idle += 1;
        continue;
      }
      idle = 0;
      (lane.waiters.shift() as Waiter).grant();
      if (lane.waiters.length > 0) this.ring.push(lane);
    }
  }
}
