// Which external-secrets.io version the cluster serves. v1 first (ESO ≥ 0.17); v1beta1 for
// older installations. Found through API discovery (GET /apis/external-secrets.io/<version>),
// which answers 404 for a version that is not served.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { httpStatusOf } from './errors.js';

export const ESO_GROUP = 'external-secrets.io';
export const ESO_VERSIONS = ['v1', 'v1beta1'] as const;
export type EsoVersion = (typeof ESO_VERSIONS)[number];

/** Resolves to the first served version listing secretstores; rejects when none is (ESO absent) or on API errors. */
export async function detectEsoVersion(kubeConfig: KubeConfig): Promise<EsoVersion> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  for (const version of ESO_VERSIONS) {
    try {
      const resources = await api.getAPIResources({ group: ESO_GROUP, version });
      if (resources.resources.some((r) => r.name === 'secretstores')) return version;
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
    }
  }
  throw Object.assign(new Error(`${ESO_GROUP} serves neither v1 nor v1beta1 secretstores; is External Secrets Operator installed?`), { code: 404 });
}
