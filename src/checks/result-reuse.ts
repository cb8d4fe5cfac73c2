// Reuse of a check result for an identical admission seen moments ago. Argo CD's server-side diff
// sends the same object as a dry-run on every refresh, then again for the real apply; kubectl
// retries. The key holds everything the result depends on besides Vault — the object (without the
// metadata the API server changes on every write), the stores it references and their namespaces'
// labels — so a reused result is what a fresh check against the facts cache would say, at most
// `ttlMs` older. Results that could not be fully checked are never reused: an outage must clear
// the moment Vault is back.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { parseEsoObject, type StoreLookup, type StoreModel } from '../eso/index.js';
import type { CheckResult } from './result.js';

const VOLATILE_METADATA = new Set(['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp']);

function stableObject(obj: Record<string, unknown>): unknown {
  const meta = (obj['metadata'] ?? {}) as Record<string, unknown>;
  return { ...obj, metadata: Object.fromEntries(Object.entries(meta).filter(([k]) => !VOLATILE_METADATA.has(k))), status: undefined };
}

// Store models are replaced, never changed, when a store changes (kube/store-lookup.ts): one digest
// of its text per model. The key holds the digest, not the text: the text (a kilobyte or more, caBundle
// included) was escaped into the key's JSON once per reference on every admission.
const storeDigests = new WeakMap<StoreModel, string>();
function storeDigest(store: StoreModel | undefined): string | null {
  if (!store) return null;
  let digest = storeDigests.get(store);
  if (digest === undefined) storeDigests.set(store, (digest = createHash('sha256').update(JSON.stringify(store)).digest('base64')));
  return digest;
}

/** The reuse key of an ExternalSecret, or undefined when the object is not one (stores are always checked). */
export function resultKey(obj: unknown, lookup: StoreLookup): string | undefined {
  if (!obj || typeof obj !== 'object' || (obj as { kind?: unknown }).kind !== 'ExternalSecret') return undefined;
  const parsed = parseEsoObject(obj);
  if (parsed.kind !== 'ExternalSecret') return undefined;
  const m = parsed.model;
  const namespace = m.namespace ?? '';
  const refs = [m.secretStoreRef, ...m.data.map((d) => d.storeRef), ...m.dataFrom.map((d) => d.storeRef)];
  const stores = refs.map((r) => (r ? [r.kind, r.name, storeDigest(lookup.getStore(r.kind, r.name, namespace))] : null));
  const text = JSON.stringify([stableObject(obj as Record<string, unknown>), stores, lookup.namespaceLabels(namespace) ?? null]);
  return createHash('sha256').update(text).digest('base64');
}

export interface ResultReuse {
  get(key: string): CheckResult | undefined;
  remember(key: string, result: CheckResult): void;
}

export function createResultReuse(ttlMs: number, maxEntries = 5_000): ResultReuse | undefined {
  if (ttlMs <= 0) return undefined;
  const recent = new LRUCache<string, CheckResult>({ max: maxEntries, ttl: ttlMs });
  return {
    get: (key) => recent.get(key),
    remember(key, result) {
      if (result.couldNotCheck.length === 0) recent.set(key, result);
    },
  };
}
