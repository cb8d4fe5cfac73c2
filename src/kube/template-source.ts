// templateFrom ConfigMaps read straight from the API: one GET of the named ConfigMap in the
// ExternalSecret's own namespace (the one ESO reads), no cache, no list or watch. Only the item
// keys ESO executes leave here; kube.templateConfigMaps: false turns the reads off.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pickConfigMapKeys, type TemplateSourceAnswer, type TemplateSourceLookup } from '../checks/template-sources.js';
import { isObjectName, within } from './ca-source.js';
import { httpStatusOf } from './errors.js';

export function createKubeTemplateSources(kubeConfig: KubeConfig, opts: { enabled: boolean }): TemplateSourceLookup {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    async configMap(namespace, name, keys, deadlineAtMs): Promise<TemplateSourceAnswer> {
      if (!opts.enabled) return { status: 'not_verifiable', reason: 'reading templateFrom ConfigMaps is off (kube.templateConfigMaps: true enables it; it needs get on configmaps)' };
      if (!isObjectName(namespace, name)) return { status: 'not_verifiable', reason: `${JSON.stringify(`${namespace}/${name}`)} is not a ConfigMap name the API server accepts` };
      const source = `GET ConfigMap ${namespace}/${name}`;
      try {
        const cm = await within(core.readNamespacedConfigMap({ name, namespace }), deadlineAtMs);
        return { status: 'ok', values: pickConfigMapKeys(cm.data, keys), source };
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 404) return { status: 'not_found', source };
        if (status === 403) return { status: 'not_verifiable', reason: `the webhook may not get ConfigMaps in ${namespace} (RBAC)` };
        return { status: 'unavailable', detail: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : String(err).slice(0, 200) };
      }
    },
  };
}
