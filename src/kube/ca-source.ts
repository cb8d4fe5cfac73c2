// caProvider ConfigMaps/Secrets read straight from the API (one GET per store admission, no cache):
// ConfigMaps when kube.caProviderConfigMaps is on (RBAC get on configmaps), Secrets only when the
// operator sets kube.caProviderSecrets (get on secrets). Only the one key ESO reads leaves here.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { CaSourceAnswer, CaSourceLookup } from '../checks/ca-sources.js';
import { httpStatusOf } from './errors.js';

export interface KubeCaSourceOptions {
  configMaps: boolean;
  secrets: boolean;
}

export function within<T>(work: Promise<T>, deadlineAtMs: number): Promise<T> {
  const remainingMs = deadlineAtMs - Date.now();
  if (remainingMs <= 0) return Promise.reject(new Error('no time left before the admission deadline'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${remainingMs} ms`)), remainingMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// Object names and namespaces as the API server accepts them (DNS-1123 subdomain / label). Anything
// else (`..`, `/`, `?`) would become another URL after normalisation: no request is made for it.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** True for a namespace and object name the API server could hold (so the GET URL is the intended one). */
export function isObjectName(namespace: string, name: string): boolean {
  return NAMESPACE.test(namespace) && OBJECT_NAME.test(name) && !name.split('.').some((part) => part === '');
}

export function createKubeCaSources(kubeConfig: KubeConfig, opts: KubeCaSourceOptions): CaSourceLookup {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async read(type, namespace, name, key, deadlineAtMs): Promise<CaSourceAnswer> {
      const enabled = type === 'ConfigMap' ? opts.configMaps : opts.secrets;
      if (!enabled) {
        return { status: 'not_verifiable', reason: `reading ${type}s is off (kube.caProvider${type}s: true enables it; it needs get on ${type.toLowerCase()}s)` };
      }
      if (!isObjectName(namespace, name)) {
        return { status: 'not_verifiable', reason: `${JSON.stringify(`${namespace}/${name}`)} is not a ${type} name the API server accepts` };
      }
      const source = `GET ${type} ${namespace}/${name}`;
      try {
        if (type === 'ConfigMap') {
          const cm = await within(core.readNamespacedConfigMap({ name, namespace }), deadlineAtMs);
          const value = cm.data?.[key];
          return { status: 'ok', value: typeof value === 'string' ? value : undefined, source };
        }
        const secret = await within(core.readNamespacedSecret({ name, namespace }), deadlineAtMs);
        const raw = secret.data?.[key];
        return { status: 'ok', value: typeof raw === 'string' ? Buffer.from(raw, 'base64').toString('latin1') : undefined, source };
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 404) return { status: 'not_found', source };
        if (status === 403) return { status: 'not_verifiable', reason: `the webhook may not get ${type}s in ${namespace} (RBAC)` };
        return { status: 'unavailable', detail: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
