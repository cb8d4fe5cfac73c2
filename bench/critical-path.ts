// Vault round trips on the critical path of an admission: the longest chain of Vault requests in
// which each starts after the previous one was answered (requests running side by side count once).
import type { DoubleRequest } from '../test/support/vault-double.js';

export function criticalPathRoundTrips(requests: readonly DoubleRequest[]): number {
  const done = requests.filter((r) => r.endedAtMs !== undefined).sort((a, b) => a.startedAtMs - b.startedAtMs);
  const chain = new Array<number>(done.length).fill(1);
  for (let i = 0; i < done.length; i++) {
    for (let j = 0; j < i; j++) {
      if ((done[j]!.endedAtMs as number) <= done[i]!.startedAtMs) chain[i] = Math.max(chain[i]!, chain[j]! + 1);
    }
  }
  return chain.reduce((a, b) => Math.max(a, b), 0);
}

/** Requests that repeat one already made (same method, path, query): what coalescing should prevent. */
export function duplicateRequests(requests: readonly DoubleRequest[]): { total: number; distinct: number; duplicates: number } {
  const keys = requests.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`);
  const distinct = new Set(keys).size;
  return { total: keys.length, distinct, duplicates: keys.length - distinct };
}
