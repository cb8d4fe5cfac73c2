// Reading what the audit checks: every ExternalSecret in the cluster (one LIST per pass; the
// informers do not cache them, since admission never needs them) and the stores the informers hold.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { detectEsoVersion, ESO_GROUP, type EsoVersion } from '../kube/eso-version.js';
import type { KubeState } from '../kube/state.js';
import type { ObjectList, RawKubeObject } from '../kube/types.js';

const PAGE_SIZE = 500;

export interface ListedObjects {
  version: EsoVersion;
  externalSecrets: RawKubeObject[];
  stores: RawKubeObject[];
}

export async function listAuditedObjects(kubeConfig: KubeConfig, state: KubeState, pageSize = PAGE_SIZE): Promise<ListedObjects> {
  const version = state.esoVersion() ?? (await detectEsoVersion(kubeConfig));
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const items: RawKubeObject[] = [];
  let continueToken: string | undefined;
  // Paged, so a cluster with thousands of ExternalSecrets does not ask the API server for one huge answer.
  do {
    const page = (await api.listClusterCustomObject({
      group: ESO_GROUP, version, plural: 'externalsecrets', limit: pageSize, ...(continueToken ? { _continue: continueToken } : {}),
    })) as ObjectList & { metadata?: { continue?: string } };
    items.push(...(page.items ?? []));
    continueToken = page.metadata?.continue || undefined;
  } while (continueToken);
  // List items may omit apiVersion/kind; parseEsoObject and Events need them.
  const externalSecrets = items.map((item) => ({ ...item, apiVersion: item.apiVersion ?? `${ESO_GROUP}/${version}`, kind: item.kind ?? 'ExternalSecret' }));
  return { version, externalSecrets, stores: state.listStores() };
}
