// Vault client metrics on the shared prom-client registry. Labels are low-cardinality: `endpoint`
// is a template (`kv2.data`), never a raw path, and no label ever holds a secret name or value.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerOnce } from '../server/metrics.js';

export interface VaultMetrics {
  requests: Counter<'endpoint' | 'code'>;
  cacheHits: Counter<'kind'>;
  /**
   * Counts one cache hit. Hits are the hot path of every admission (a dozen per object): they are
   * summed in a plain Map and added to `cacheHits` when the registry is scraped.
   */
  countCacheHit(kind: string): void;
  cacheMisses: Counter<'kind'>;
  requestDuration: Histogram<'endpoint'>;
  breakerOpen: Gauge<'server'>;
}


const pendingHits = new WeakMap<Registry, Map<string, number>>();

export function createVaultMetrics(registry: Registry): VaultMetrics {
  const registers = [registry];
  let pending = pendingHits.get(registry);
  if (!pending) pendingHits.set(registry, (pending = new Map()));
  const hits = pending;
  return {
    countCacheHit: (kind) => void hits.set(kind, (hits.get(kind) ?? 0) + 1),
    requests: registerOnce(registry, 'eso_vault_guard_vault_requests_total', () => new Counter({
      name: 'eso_vault_guard_vault_requests_total',
      help: 'HTTP requests sent to Vault, by endpoint template and HTTP status (or timeout/connection).',
      labelNames: ['endpoint', 'code'] as const,
      registers,
    })),
    cacheHits: registerOnce(registry, 'eso_vault_guard_vault_cache_hits_total', () => new Counter({
      name: 'eso_vault_guard_vault_cache_hits_total',
      help: 'Vault fact lookups answered from the cache or joined to an in-flight request.',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        for (const [kind, n] of hits) this.inc({ kind }, n);
        hits.clear();
      },
    })),
    cacheMisses: registerOnce(registry, 'eso_vault_guard_vault_cache_misses_total', () => new Counter({
      name: 'eso_vault_guard_vault_cache_misses_total',
      help: 'Vault fact lookups that had to ask Vault.',
      labelNames: ['kind'] as const,
      registers,
    })),
    requestDuration: registerOnce(registry, 'eso_vault_guard_vault_request_duration_seconds', () => new Histogram({
      name: 'eso_vault_guard_vault_request_duration_seconds',
      help: 'Duration of HTTP requests to Vault.',
      labelNames: ['endpoint'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    })),
    breakerOpen: registerOnce(registry, 'eso_vault_guard_vault_breaker_open', () => new Gauge({
      name: 'eso_vault_guard_vault_breaker_open',
      help: '1 while the circuit breaker of a Vault server is open.',
      labelNames: ['server'] as const,
      registers,
    })),
  };
}
