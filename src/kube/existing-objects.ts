// The PushSecret a ClusterPushSecret (the ExternalSecret a ClusterExternalSecret) would create,
// read straight from the API: one GET of the named object per selected namespace checked (the
// ClusterRole's get on pushsecrets/externalsecrets, which the audit already holds), no cache, no
// list or watch. Only its controller reference leaves here.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { controllerOf, type ChildKind, type ExistingObject, type ExistingObjectLookup } from '../checks/existing-objects.js';
import { isObjectName, within } from './ca-source.js';
import { httpStatusOf } from './errors.js';

const RESOURCE: Record<ChildKind, { version: string; plural: string }> = {
  PushSecret: { version: 'v1alpha1', plural: 'pushsecrets' },
  ExternalSecret: { version: 'v1', plural: 'externalsecrets' },
};

/** One namespace's lookup may not eat the admission's time: past this it is unknown (no finding). */
const PER_GET_MS = 1500;

export function createKubeExistingObjects(kubeConfig: KubeConfig): ExistingObjectLookup {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  return {
    async get(kind, namespace, name, deadlineAtMs): Promise<ExistingObject> {
      const { version, plural } = RESOURCE[kind];
      if (!isObjectName(namespace, name)) return { status: 'unknown', reason: `${JSON.stringify(`${namespace}/${name}`)} is not a name the API server accepts` };
      try {
        const obj: unknown = await within(api.getNamespacedCustomObject({ group: 'external-secrets.io', version, namespace, plural, name }), Math.min(deadlineAtMs, Date.now() + PER_GET_MS));
        const controller = controllerOf(obj);
        return { status: 'present', source: 'cluster', ...(controller ? { controller } : {}) };
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 404) return { status: 'absent' };
        if (status === 403) return { status: 'unknown', reason: `the webhook may not get ${kind}s in ${namespace} (RBAC)` };
        return { status: 'unknown', reason: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err).slice(0, 200) };
      }
    },
  };
}
