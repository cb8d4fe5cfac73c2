// The cluster state the checks read: SecretStores, ClusterSecretStores and Namespace labels,
// cached by list+watch (see reflector.ts), with a direct GET for stores the cache has not seen yet.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { BackoffOptions } from '../retry/backoff.js';
import { detectEsoVersion, ESO_GROUP, type EsoVersion } from './eso-version.js';
import { httpStatusOf } from './errors.js';
import { Reflector } from './reflector.js';
import type { ObjectList, RawKubeObject, StoreKind } from './types.js';

export interface KubeStateOptions {
  /** Full relist period; default 10 minutes. */
  resyncMs?: number;
  logger: Logger;
  backoff?: BackoffOptions;
  watchTimeoutSeconds?: number;
}

export interface KubeState {
  start(): void;
  /** True once stores of both kinds and namespaces have been listed once (for /readyz). */
  hasSynced(): boolean;
  /** The served ESO version in use, once known. */
  esoVersion(): EsoVersion | undefined;
  getStore(kind: StoreKind, name: string, namespace: string): RawKubeObject | undefined;
  /**
   * The cached store, or on a miss the store read straight from the API (it may have been created
   * in the same sync moments ago). Resolves undefined only when the API says 404; rejects on other
   * API errors so the caller can treat the store as unknown rather than missing.
   */
  getStoreWithFallback(kind: StoreKind, name: string, namespace: string): Promise<RawKubeObject | undefined>;
  namespaceLabels(name: string): Record<string, string> | undefined;
  /** Names of the namespaces the informer holds. */
  namespaceNames(): string[];
  listStores(): RawKubeObject[];
  close(): Promise<void>;
}

const DEFAULT_RESYNC_MS = 10 * 60 * 1000;
const PLURAL: Record<StoreKind, string> = { SecretStore: 'secretstores', ClusterSecretStore: 'clustersecretstores' };

export function createKubeState(kubeConfig: KubeConfig, opts: KubeStateOptions): KubeState {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const logger = opts.logger;
  let version: EsoVersion | undefined;
  let detecting: Promise<EsoVersion> | undefined;

  // Detection is shared by both store reflectors and repeated when a list answers 404
  // (ESO upgraded or downgraded while we run).
  const ensureVersion = async (): Promise<EsoVersion> => {
    if (version) return version;
    detecting ??= detectEsoVersion(kubeConfig).then(
      (v) => {
        if (v !== version) logger.info({ esoVersion: v }, 'using external-secrets.io version');
        version = v;
        detecting = undefined;
        return v;
      },
      (err: unknown) => {
        detecting = undefined;
        throw err;
      },
    );
    return detecting;
  };
  const forgetVersion = () => {
    version = undefined;
  };

  const common = {
    kubeConfig,
    resyncMs: opts.resyncMs ?? DEFAULT_RESYNC_MS,
    backoff: opts.backoff,
    watchTimeoutSeconds: opts.watchTimeoutSeconds,
    logger,
  };
  const storeReflector = (kind: StoreKind) =>
    new Reflector({
      ...common,
      name: `${PLURAL[kind]}.${ESO_GROUP}`,
      list: async () => {
        const v = await ensureVersion();
        const plural = PLURAL[kind];
        return (kind === 'SecretStore'
          ? await custom.listCustomObjectForAllNamespaces({ group: ESO_GROUP, version: v, resourcePlural: plural })
          : await custom.listClusterCustomObject({ group: ESO_GROUP, version: v, plural })) as ObjectList;
      },
      watchPath: () => `/apis/${ESO_GROUP}/${version ?? 'v1'}/${PLURAL[kind]}`,
      typeMeta: () => ({ apiVersion: `${ESO_GROUP}/${version ?? 'v1'}`, kind }),
      onNotFound: forgetVersion,
    });

  const reflectors = {
    SecretStore: storeReflector('SecretStore'),
    ClusterSecretStore: storeReflector('ClusterSecretStore'),
  };
  const namespaces = new Reflector({
    ...common,
    name: 'namespaces',
    list: async () => (await core.listNamespace()) as unknown as ObjectList,
    watchPath: () => '/api/v1/namespaces',
  });
  const all = [reflectors.SecretStore, reflectors.ClusterSecretStore, namespaces];

  const getStore = (kind: StoreKind, name: string, namespace: string): RawKubeObject | undefined =>
    reflectors[kind].get(kind === 'SecretStore' ? namespace : undefined, name);

  return {
    start: () => all.forEach((r) => r.start()),
    hasSynced: () => all.every((r) => r.hasSynced()),
    esoVersion: () => version,
    getStore,
    async getStoreWithFallback(kind, name, namespace) {
      const cached = getStore(kind, name, namespace);
      if (cached) return cached;
      const v = await ensureVersion();
      try {
        const obj =
          kind === 'SecretStore'
            ? await custom.getNamespacedCustomObject({ group: ESO_GROUP, version: v, namespace, plural: PLURAL[kind], name })
            : await custom.getClusterCustomObject({ group: ESO_GROUP, version: v, plural: PLURAL[kind], name });
        return obj as RawKubeObject;
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    },
    namespaceLabels(name) {
      const ns = namespaces.get(undefined, name);
      return ns ? { ...(ns.metadata?.labels ?? {}) } : undefined;
    },
    namespaceNames: () => namespaces.list().map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort(),
    listStores: () => [...reflectors.SecretStore.list(), ...reflectors.ClusterSecretStore.list()],
    close: async () => {
      await Promise.all(all.map((r) => r.close()));
    },
  };
}
