// Reading what the audit checks: every ExternalSecret, ClusterExternalSecret, PushSecret and
// ClusterPushSecret in the cluster (paged LISTs per pass; the informers do not cache them, since
// admission never needs them) and the stores the informers hold.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { detectEsoVersion, ESO_GROUP, type EsoVersion } from '../kube/eso-version.js';
import { httpStatusOf } from '../kube/errors.js';
import type { KubeState } from '../kube/state.js';
import type { ObjectList, RawKubeObject } from '../kube/types.js';

const PAGE_SIZE = 500;

export interface ListedObjects {
  version: EsoVersion;
  externalSecrets: RawKubeObject[];
  /** ClusterExternalSecrets, PushSecrets and ClusterPushSecrets (checked through the objects ESO creates from them). */
  others: RawKubeObject[];
  stores: RawKubeObject[];
}

/** PushSecret and ClusterPushSecret: served as v1alpha1 only (ESO v2.9.0 CRDs). */
const PUSH_VERSION = 'v1alpha1';

async function listAll(api: CustomObjectsApi, version: string, plural: string, kind: string, pageSize: number, optional: boolean): Promise<RawKubeObject[]> {
  const items: RawKubeObject[] = [];
  let continueToken: string | undefined;
  // Paged, so a cluster with thousands of objects does not ask the API server for one huge answer.
  try {
    do {
      const page = (await api.listClusterCustomObject({
        group: ESO_GROUP, version, plural, limit: pageSize, ...(continueToken ? { _continue: continueToken } : {}),
      })) as ObjectList & { metadata?: { continue?: string } };
      items.push(...(page.items ?? []));
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
  } catch (err) {
    // A kind the installed CRDs do not serve (an older ESO, PushSecret CRDs left out) has nothing to audit.
    if (optional && httpStatusOf(err) === 404) return [];
    throw err;
  }
  // List items may omit apiVersion/kind; parseEsoObject and Events need them.
  return items.map((item) => ({ ...item, apiVersion: item.apiVersion ?? `${ESO_GROUP}/${version}`, kind: item.kind ?? kind }));
}

export async function listAuditedObjects(kubeConfig: KubeConfig, state: KubeState, pageSize = PAGE_SIZE): Promise<ListedObjects> {
  const version = state.esoVersion() ?? (await detectEsoVersion(kubeConfig));
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  // The four kinds are listed side by side: a pass waits for the slowest, not for their sum.
  const [externalSecrets, clusterExternalSecrets, pushSecrets, clusterPushSecrets] = await Promise.all([
    listAll(api, version, 'externalsecrets', 'ExternalSecret', pageSize, false),
    listAll(api, version, 'clusterexternalsecrets', 'ClusterExternalSecret', pageSize, true),
    listAll(api, PUSH_VERSION, 'pushsecrets', 'PushSecret', pageSize, true),
    listAll(api, PUSH_VERSION, 'clusterpushsecrets', 'ClusterPushSecret', pageSize, true),
  ]);
  return { version, externalSecrets, others: [...clusterExternalSecrets, ...pushSecrets, ...clusterPushSecrets], stores: state.listStores() };
}
