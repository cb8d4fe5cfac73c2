// A StoreLookup over parsed manifests (for `explain --offline` and tests): stores and Namespace
// labels come only from the given objects.
import type { StoreKind, StoreModel } from './model.js';
import type { ParsedEsoObject } from './parse.js';
import type { StoreLookup } from './plan.js';

export function createOfflineLookup(objects: readonly ParsedEsoObject[], controllerServiceAccount: { name: string; namespace: string }): StoreLookup {
  const stores = new Map<string, StoreModel>();
  const labels = new Map<string, Record<string, string>>();
  for (const o of objects) {
    if (o.kind === 'SecretStore') stores.set(`SecretStore/${o.model.namespace ?? ''}/${o.model.name}`, o.model);
    else if (o.kind === 'ClusterSecretStore') stores.set(`ClusterSecretStore//${o.model.name}`, o.model);
    else if (o.kind === 'Namespace') labels.set(o.name, o.labels);
  }
  return {
    getStore(kind: StoreKind, name: string, namespace: string): StoreModel | undefined {
      return stores.get(kind === 'SecretStore' ? `SecretStore/${namespace}/${name}` : `ClusterSecretStore//${name}`);
    },
    namespaceLabels(namespace: string): Record<string, string> | undefined {
      return labels.get(namespace);
    },
    controllerServiceAccount,
    listNamespaces: () => (labels.size > 0 ? [...labels.keys()].sort() : undefined),
    listStores: (kind, namespace) => [...stores.values()].filter((s) => s.kind === kind && (kind === 'ClusterSecretStore' || s.namespace === namespace)),
  };
}
