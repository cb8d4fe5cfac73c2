// Where the checks read a store's caProvider from: the API (server), the checked files (`check`),
// or nowhere. Only the one key ESO reads is handed out, never the rest of a ConfigMap or Secret.
import type { CaProviderType } from '../eso/tls-trust.js';

export type CaSourceAnswer =
  /** The object exists; `value` is `data[key]` (Secrets decoded), undefined when the key is absent. */
  | { status: 'ok'; value: string | undefined; source: string }
  | { status: 'not_found'; source: string }
  /** The webhook may not or cannot look (Secrets not enabled, RBAC, not among the files). */
  | { status: 'not_verifiable'; reason: string }
  | { status: 'unavailable'; detail: string };

export interface CaSourceLookup {
  read(type: CaProviderType, namespace: string, name: string, key: string, deadlineAtMs: number): Promise<CaSourceAnswer>;
}

type Obj = Record<string, unknown>;

/**
 * ConfigMaps and Secrets among the given manifests (for `check`). A Secret's `stringData` counts as
 * the API server would merge it. Objects not among them are "not verifiable", never missing.
 */
export function createManifestCaSources(objects: readonly Obj[], where: string): CaSourceLookup {
  const byKey = new Map<string, Obj>();
  for (const o of objects) {
    if (o['apiVersion'] !== 'v1' || (o['kind'] !== 'ConfigMap' && o['kind'] !== 'Secret')) continue;
    const meta = (o['metadata'] ?? {}) as Obj;
    if (typeof meta['name'] !== 'string') continue;
    const ns = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
    byKey.set(`${String(o['kind'])}/${ns}/${meta['name']}`, o);
  }
  return {
    read(type, namespace, name, key) {
      const o = byKey.get(`${type}/${namespace}/${name}`);
      if (!o) return Promise.resolve({ status: 'not_verifiable', reason: `${type} ${namespace}/${name} is not among ${where}` });
      const data = (o['data'] && typeof o['data'] === 'object' ? o['data'] : {}) as Obj;
      let value: string | undefined;
      if (type === 'ConfigMap') value = typeof data[key] === 'string' ? data[key] : undefined;
      else {
        const stringData = (o['stringData'] && typeof o['stringData'] === 'object' ? o['stringData'] : {}) as Obj;
        if (typeof stringData[key] === 'string') value = stringData[key];
        else if (typeof data[key] === 'string') value = Buffer.from(data[key], 'base64').toString('latin1');
      }
      return Promise.resolve({ status: 'ok', value, source: where });
    },
  };
}
