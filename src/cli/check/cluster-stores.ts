// `--stores-from cluster|both`: SecretStores, ClusterSecretStores and Namespaces read once from the
// Kubernetes API (kubeconfig as kubectl finds it, or --kubeconfig).
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { detectEsoVersion, ESO_GROUP, loadKubeConfig } from '../../kube/index.js';
import { CheckConfigError } from './errors.js';
import { createKubeTokenReviewAccess } from '../../kube/token-review-access.js';
import type { TokenReviewAccess } from '../../checks/token-review-access.js';

export interface ClusterObjects {
  /** Raw objects with `apiVersion` and `kind` set (list items carry neither). */
  objects: Record<string, unknown>[];
  /** Where they came from, for messages. */
  context: string;
  /** The same cluster's answer to "may this ServiceAccount create tokenreviews?" (client-JWT mode). */
  tokenReviews: TokenReviewAccess;
}

function withKind(items: unknown, apiVersion: string, kind: string): Record<string, unknown>[] {
  if (!Array.isArray(items)) return [];
  return items
    .filter((i): i is Record<string, unknown> => i !== null && typeof i === 'object')
    .map((i) => ({ ...i, apiVersion, kind }));
}

export async function readClusterStores(kubeconfigPath: string | undefined): Promise<ClusterObjects> {
  let context = 'the cluster';
  try {
    const kc = loadKubeConfig(kubeconfigPath);
    context = `cluster context "${kc.getCurrentContext()}"`;
    const version = await detectEsoVersion(kc);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const apiVersion = `${ESO_GROUP}/${version}`;
    const [stores, clusterStores, namespaces] = await Promise.all([
      custom.listClusterCustomObject({ group: ESO_GROUP, version, plural: 'secretstores' }) as Promise<{ items?: unknown }>,
      custom.listClusterCustomObject({ group: ESO_GROUP, version, plural: 'clustersecretstores' }) as Promise<{ items?: unknown }>,
      core.listNamespace(),
    ]);
    const nsItems = namespaces.items.map((n) => ({ metadata: { name: n.metadata?.name ?? '', labels: n.metadata?.labels ?? {} } }));
    return {
      objects: [
        ...withKind(stores.items, apiVersion, 'SecretStore'),
        ...withKind(clusterStores.items, apiVersion, 'ClusterSecretStore'),
        ...withKind(nsItems, 'v1', 'Namespace'),
      ],
      context,
      tokenReviews: createKubeTokenReviewAccess(kc),
    };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CheckConfigError(`cannot read stores from ${context}: ${detail}`);
  }
}
