// The PushSecret a ClusterPushSecret would create, read straight from the API: one GET of the
// named PushSecret per selected namespace checked (the ClusterRole's get on pushsecrets, which the
// audit already holds), no cache, no list or watch. Only its controller reference leaves here.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { controllerOf, type ExistingObjectLookup, type ExistingPushSecret } from '../checks/existing-objects.js';
import { isObjectName, within } from './ca-source.js';
import { httpStatusOf } from './errors.js';

export function createKubeExistingObjects(kubeConfig: KubeConfig): ExistingObjectLookup {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    async pushSecret(namespace, name, deadlineAtMs): Promise<ExistingPushSecret> {
      if (!isObjectName(namespace, name)) return { status: 'unknown', reason: `${JSON.stringify(`${namespace}/${name}`)} is not a name the API server accepts` };
      try {
        const obj: unknown = await within(api.getNamespacedCustomObject({ group: 'external-secrets.io', version: 'v1alpha1', namespace, plural: 'pushsecrets', name }), deadlineAtMs);
        const controller = controllerOf(obj);
        return { status: 'present', source: 'cluster', ...(controller ? { controller } : {}) };
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 404) return { status: 'absent' };
        if (status === 403) return { status: 'unknown', reason: `the webhook may not get PushSecrets in ${namespace} (RBAC)` };
        return { status: 'unknown', reason: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err).slice(0, 200) };
      }
    },
  };
}
