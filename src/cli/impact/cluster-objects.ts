// `impact --stores-from cluster|both` with no MANIFESTS: the ESO objects that already run are the
// input — ExternalSecrets, ClusterExternalSecrets and PushSecrets listed once from the Kubernetes
// API (a kind the cluster does not serve is none). Each becomes an input document named
// `cluster/<kind>/<namespace>/<name>`, its text the object as YAML (without status and managedFields).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { detectEsoVersion, ESO_GROUP, loadKubeConfig } from '../../kube/index.js';
import { httpStatusOf } from '../../kube/errors.js';
import { CheckConfigError } from '../check/errors.js';
import type { InputDocument } from '../check/inputs.js';

type Obj = Record<string, unknown>;

/** What the API answers, or undefined when it does not serve the kind (404). */
async function listOrNone(list: () => Promise<unknown>): Promise<Obj[] | undefined> {
  try {
    const answer = (await list()) as { items?: unknown };
    return Array.isArray(answer.items) ? answer.items.filter((i): i is Obj => i !== null && typeof i === 'object') : [];
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined;
    throw err;
  }
}

function asDocument(item: Obj, apiVersion: string, kind: string): InputDocument {
  const meta = (item['metadata'] && typeof item['metadata'] === 'object' ? item['metadata'] : {}) as Obj;
  const { managedFields: _m, ...metadata } = meta;
  const { status: _s, ...rest } = item;
  const object: Obj = { ...rest, apiVersion, kind, metadata };
  const namespace = typeof meta['namespace'] === 'string' ? `${meta['namespace']}/` : '';
  return { file: `cluster/${kind}/${namespace}${String(meta['name'] ?? '')}`, object, source: stringify(object), firstLine: 0, path: [] };
}

export async function readClusterEsoObjects(kubeconfigPath: string | undefined): Promise<InputDocument[]> {
  let context = 'the cluster';
  try {
    const kc = loadKubeConfig(kubeconfigPath);
    context = `cluster context "${kc.getCurrentContext()}"`;
    const version = await detectEsoVersion(kc);
    const api = kc.makeApiClient(CustomObjectsApi);
    const kinds = [
      { kind: 'ExternalSecret', plural: 'externalsecrets', version },
      { kind: 'ClusterExternalSecret', plural: 'clusterexternalsecrets', version },
      { kind: 'PushSecret', plural: 'pushsecrets', version: 'v1alpha1' },
    ];
    const lists = await Promise.all(kinds.map((k) => listOrNone(() => api.listClusterCustomObject({ group: ESO_GROUP, version: k.version, plural: k.plural }))));
    return kinds.flatMap((k, i) => (lists[i] ?? []).map((item) => asDocument(item, `${ESO_GROUP}/${k.version}`, k.kind)));
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CheckConfigError(`cannot read ESO objects from ${context}: ${detail}`);
  }
}
