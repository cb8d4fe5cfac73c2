// Where `check` finds the stores and Namespace labels ExternalSecrets are resolved against:
// the given files, the cluster, or both (the files' objects win: they are what is about to be applied).
import { createOfflineLookup, parseEsoObject, type ParsedEsoObject, type StoreLookup } from '../../eso/index.js';

export type StoresFrom = 'files' | 'cluster' | 'both';

export interface ServiceAccountName {
  name: string;
  namespace: string;
}

/** `ns/name` → ServiceAccount; CheckConfigError on anything else. */
export function parseControllerSa(text: string): ServiceAccountName | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text);
  return m ? { namespace: m[1] as string, name: m[3] as string } : undefined;
}

export function lookupOver(objects: readonly unknown[], controllerServiceAccount: ServiceAccountName): StoreLookup {
  const parsed: ParsedEsoObject[] = objects.map((o) => parseEsoObject(o));
  return createOfflineLookup(parsed, controllerServiceAccount);
}

/** Stores of `primary` (the files) first, then of `fallback` (the cluster). */
export function layeredLookup(primary: StoreLookup, fallback: StoreLookup): StoreLookup {
  return {
    getStore: (kind, name, namespace) => primary.getStore(kind, name, namespace) ?? fallback.getStore(kind, name, namespace),
    namespaceLabels: (namespace) => primary.namespaceLabels(namespace) ?? fallback.namespaceLabels(namespace),
    controllerServiceAccount: primary.controllerServiceAccount,
    listNamespaces: () => {
      const a = primary.listNamespaces?.();
      const b = fallback.listNamespaces?.();
      return a === undefined && b === undefined ? undefined : [...new Set([...(a ?? []), ...(b ?? [])])].sort();
    },
    listStores: (kind, namespace) => {
      const a = primary.listStores?.(kind, namespace);
      const b = fallback.listStores?.(kind, namespace);
      if (a === undefined || b === undefined) return a ?? b;
      // The files' stores win over the cluster's of the same name.
      return [...a, ...b.filter((s) => !a.some((x) => x.name === s.name))];
    },
  };
}

/** `spec.provider.vault.server` of every Vault store among `objects`. */
export function storeServers(objects: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const parsed = parseEsoObject(o);
    if ((parsed.kind === 'SecretStore' || parsed.kind === 'ClusterSecretStore') && parsed.model.provider.type === 'vault') {
      out.add(parsed.model.provider.vault.server);
    }
  }
  return [...out];
}
