// Reading what the audit checks: every ExternalSecret in the cluster (one LIST per pass; the
// informers do not cache them, since admission never needs them) and the stores the informers hold.
import '../kube/node-compat.js';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { detectEsoVersion, ESO_GROUP, type EsoVersion } from '../kube/eso-version.js';
import type { KubeState } from '../kube/state.js';
import type { ObjectList, RawKubeObject } from '../kube/types.js';

export interface ListedObjects {
  version: EsoVersion;
  externalSecrets: RawKubeObject[];
  stores: RawKubeObject[];
}

export async function listAuditedObjects(kubeConfig: KubeConfig, state: KubeState): Promise<ListedObjects> {
  const version = state.esoVersion() ?? (await detectEsoVersion(kubeConfig));
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const list = (await api.listClusterCustomObject({ group: ESO_GROUP, version, plural: 'externalsecrets' })) as ObjectList;
  // List items may omit apiVersion/kind; parseEsoObject and Events need them.
  const externalSecrets = (list.items ?? []).map((item) => ({ ...item, apiVersion: item.apiVersion ?? `${ESO_GROUP}/${version}`, kind: item.kind ?? 'ExternalSecret' }));
  return { version, externalSecrets, stores: state.listStores() };
}
