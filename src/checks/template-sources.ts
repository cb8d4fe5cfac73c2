// Where templateFrom ConfigMaps are read from: the API (the webhook: one GET of the named ConfigMap
// in the ExternalSecret's namespace, as ESO reads it), the checked files (`check`), or nowhere.
// Secrets are never read for templates: their values stay where they are.

export type TemplateSourceAnswer =
  /** The ConfigMap exists; `values` holds `data[key]` for the requested keys (undefined when absent). */
  | { status: 'ok'; values: Record<string, string | undefined>; source: string }
  | { status: 'not_found'; source: string }
  /** The webhook may not or cannot look (reading off, RBAC, not among the files). */
  | { status: 'not_verifiable'; reason: string }
  | { status: 'unavailable'; detail: string };

export interface TemplateSourceLookup {
  configMap(namespace: string, name: string, keys: readonly string[], deadlineAtMs: number): Promise<TemplateSourceAnswer>;
}

type Obj = Record<string, unknown>;

function pick(data: unknown, keys: readonly string[]): Record<string, string | undefined> {
  const d = (data && typeof data === 'object' ? data : {}) as Obj;
  const out: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  for (const k of keys) out[k] = Object.hasOwn(d, k) && typeof d[k] === 'string' ? d[k] : undefined;
  return out;
}

/** ConfigMaps among the given manifests (for `check`); one not among them is "not verifiable", never missing. */
export function createManifestTemplateSources(objects: readonly Obj[], where: string): TemplateSourceLookup {
  const byKey = new Map<string, Obj>();
  for (const o of objects) {
    if (o['apiVersion'] !== 'v1' || o['kind'] !== 'ConfigMap') continue;
    const meta = (o['metadata'] ?? {}) as Obj;
    if (typeof meta['name'] !== 'string') continue;
    const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
    byKey.set(`${ns}/${meta['name']}`, o);
  }
  return {
    configMap(namespace, name, keys) {
      const o = byKey.get(`${namespace}/${name}`);
      if (!o) return Promise.resolve({ status: 'not_verifiable', reason: `ConfigMap ${namespace}/${name} is not among ${where}` });
      // `check` keeps only ConfigMaps whose data holds a template ({{); the others arrive without data.
      if (!('data' in o)) return Promise.resolve({ status: 'not_verifiable', reason: `ConfigMap ${namespace}/${name} among ${where} has no data with a template ({{) in it, so it was not read` });
      return Promise.resolve({ status: 'ok', values: pick(o['data'], keys), source: where });
    },
  };
}

export { pick as pickConfigMapKeys };
