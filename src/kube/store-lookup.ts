// The StoreLookup the checks read in the server: stores and Namespace labels from the informer
// cache, parsed once per object version. A store the cache has not seen yet (created in the same
// Argo CD sync as its ExternalSecret) is read from the API before the checks run, so a slow watch
// never turns into a false StoreNotFound.
import { parseEsoObject, type StoreLookup } from '../eso/index.js';
import { asStoreRef, parsePushSecret } from '../eso/push-secret.js';
import { externalSecretFor, parseClusterExternalSecret } from '../eso/cluster-external-secret.js';
import { parseClusterPushSecret, pushSecretFor } from '../eso/cluster-push-secret.js';
import type { StoreKind, StoreModel, StoreRefModel } from '../eso/model.js';
import type { KubeState } from './state.js';
import type { RawKubeObject } from './types.js';

export interface ClusterStoreLookup extends StoreLookup {
  /**
   * Reads from the API every store `obj` references that the cache does not hold. Rejects when the
   * API cannot say (error or deadline): the caller must then treat the check as not done.
   */
  prefetchStores(obj: unknown, deadlineAtMs: number): Promise<void>;
}

export interface ClusterStoreLookupOptions {
  controllerServiceAccount: { name: string; namespace: string };
  /** How long a store read directly from the API is trusted before the cache must have it. */
  fetchedTtlMs?: number;
  now?: () => number;
}

const DEFAULT_FETCHED_TTL_MS = 60_000;

function referencedStores(obj: unknown): StoreRefModel[] {
  const parsed = parseEsoObject(obj);
  // Cluster-scoped: the ClusterSecretStores of the object ESO creates (its SecretStores differ per namespace).
  if (parsed.kind === 'Other' && parsed.kindName === 'ClusterExternalSecret' && parsed.apiVersion === 'external-secrets.io/v1') {
    return referencedStores(externalSecretFor(parseClusterExternalSecret(obj as Record<string, unknown>), 'default')).filter((r) => r.kind === 'ClusterSecretStore');
  }
  if (parsed.kind === 'Other' && parsed.kindName === 'ClusterPushSecret' && parsed.apiVersion === 'external-secrets.io/v1alpha1') {
    return referencedStores(pushSecretFor(parseClusterPushSecret(obj as Record<string, unknown>), 'default')).filter((r) => r.kind === 'ClusterSecretStore');
  }
  if (parsed.kind === 'Other' && parsed.kindName === 'PushSecret' && parsed.apiVersion === 'external-secrets.io/v1alpha1') {
    // Stores named in secretStoreRefs (those chosen by labelSelector come from the informer's list).
    return parsePushSecret(obj as Record<string, unknown>).storeRefs.filter((r) => !r.selector && r.name !== '').map((r) => asStoreRef(r));
  }
  if (parsed.kind !== 'ExternalSecret') return [];
  const m = parsed.model;
  const refs = [m.secretStoreRef, ...m.data.map((d) => d.storeRef), ...m.dataFrom.map((d) => d.storeRef)];
  return refs.filter((r): r is StoreRefModel => r !== undefined && r.name !== '');
}

function namespaceOf(obj: unknown): string {
  const meta = (obj as { metadata?: { namespace?: unknown } } | null)?.metadata;
  return typeof meta?.namespace === 'string' ? meta.namespace : 'default';
}

function withDeadline<T>(work: Promise<T>, deadlineAtMs: number, what: string): Promise<T> {
  const remainingMs = deadlineAtMs - Date.now();
  if (remainingMs <= 0) return Promise.reject(new Error(`no time left to read ${what} from the Kubernetes API`));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading ${what} from the Kubernetes API took longer than ${remainingMs} ms`)), remainingMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createClusterStoreLookup(state: KubeState, opts: ClusterStoreLookupOptions): ClusterStoreLookup {
  const now = opts.now ?? Date.now;
  const ttlMs = opts.fetchedTtlMs ?? DEFAULT_FETCHED_TTL_MS;
  // Informer objects are replaced, never mutated, on update: one parse per object version.
  const parsedByObject = new WeakMap<RawKubeObject, StoreModel | null>();
  const fetched = new Map<string, { model: StoreModel; expiresAtMs: number }>();
  const keyOf = (kind: StoreKind, name: string, namespace: string) => (kind === 'SecretStore' ? `${kind}/${namespace}/${name}` : `${kind}//${name}`);

  const modelOf = (raw: RawKubeObject): StoreModel | undefined => {
    let model = parsedByObject.get(raw);
    if (model === undefined) {
      const parsed = parseEsoObject(raw);
      model = parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore' ? parsed.model : null;
      parsedByObject.set(raw, model);
    }
    return model ?? undefined;
  };

  const getStore = (kind: StoreKind, name: string, namespace: string): StoreModel | undefined => {
    const cached = state.getStore(kind, name, namespace);
    if (cached) return modelOf(cached);
    const key = keyOf(kind, name, namespace);
    const entry = fetched.get(key);
    if (entry && entry.expiresAtMs > now()) return entry.model;
    fetched.delete(key);
    return undefined;
  };

  return {
    getStore,
    namespaceLabels: (namespace) => state.namespaceLabels(namespace),
    listNamespaces: () => state.namespaceNames(),
    listStores: (kind, namespace) =>
      state.listStores().flatMap((raw) => {
        const model = modelOf(raw);
        return model && model.kind === kind && (kind === 'ClusterSecretStore' || model.namespace === namespace) ? [model] : [];
      }),
    controllerServiceAccount: opts.controllerServiceAccount,
    async prefetchStores(obj, deadlineAtMs) {
      const namespace = namespaceOf(obj);
      const missing = referencedStores(obj).filter((ref) => getStore(ref.kind, ref.name, namespace) === undefined);
      await Promise.all(
        missing.map(async (ref) => {
          const what = `${ref.kind} ${ref.kind === 'SecretStore' ? `${namespace}/` : ''}${ref.name}`;
          const raw = await withDeadline(state.getStoreWithFallback(ref.kind, ref.name, namespace), deadlineAtMs, what);
          const model = raw ? modelOf(raw) : undefined;
          if (model) fetched.set(keyOf(ref.kind, ref.name, namespace), { model, expiresAtMs: now() + ttlMs });
        }),
      );
    },
  };
}

/**
 * For a server without a Kubernetes API (a local run): no store is known, and an ExternalSecret
 * that references one is "could not check", never StoreNotFound.
 */
export function createDetachedStoreLookup(opts: Pick<ClusterStoreLookupOptions, 'controllerServiceAccount'>): ClusterStoreLookup {
  return {
    getStore: () => undefined,
    namespaceLabels: () => undefined,
    controllerServiceAccount: opts.controllerServiceAccount,
    async prefetchStores(obj) {
      if (referencedStores(obj).length > 0) {
        throw new Error('no Kubernetes API is configured, so its stores are unknown (run in a pod or pass --kubeconfig)');
      }
    },
  };
}
