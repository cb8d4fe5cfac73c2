// PushSecret (external-secrets.io/v1alpha1) as ESO's Vault provider pushes it
// (providers/v1/vault/client_push.go): per spec.data[] entry and store, the data and metadata paths
// of match.remoteRef.remoteKey, built as for reads (buildPath / buildMetadataPath).
import { buildDataPath, buildMetadataPath, MetadataPathError, toHttpPath } from './paths.js';
import type { StoreKind, StoreRefModel, VaultProviderModel } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface PushSecretModel {
  name: string;
  namespace: string;
  storeRefs: (StoreRefModel & { labelSelector?: boolean })[];
  data: { field: string; remoteKey: string; property?: string }[];
  deletionPolicy: string;
}

export function parsePushSecret(obj: Obj): PushSecretModel {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const spec = isObj(obj['spec']) ? obj['spec'] : {};
  const storeRefs: PushSecretModel['storeRefs'] = [];
  (Array.isArray(spec['secretStoreRefs']) ? (spec['secretStoreRefs'] as unknown[]) : []).forEach((r, i) => {
    if (!isObj(r)) return;
    const kind: StoreKind = r['kind'] === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
    storeRefs.push({
      kind,
      name: typeof r['name'] === 'string' ? r['name'] : '',
      field: `spec.secretStoreRefs[${i}]`,
      kindDefaulted: r['kind'] === undefined,
      ...(isObj(r['labelSelector']) ? { labelSelector: true } : {}),
    });
  });
  const data: PushSecretModel['data'] = [];
  (Array.isArray(spec['data']) ? (spec['data'] as unknown[]) : []).forEach((d, i) => {
    const match = isObj(d) && isObj(d['match']) ? d['match'] : {};
    const remoteRef = isObj(match['remoteRef']) ? match['remoteRef'] : {};
    const remoteKey = typeof remoteRef['remoteKey'] === 'string' ? remoteRef['remoteKey'] : '';
    const property = typeof remoteRef['property'] === 'string' && remoteRef['property'] !== '' ? remoteRef['property'] : undefined;
    data.push({ field: `spec.data[${i}]`, remoteKey, ...(property ? { property } : {}) });
  });
  return {
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default',
    storeRefs,
    data,
    deletionPolicy: typeof spec['deletionPolicy'] === 'string' ? spec['deletionPolicy'] : 'None',
  };
}

/** ACL paths (no `/v1/`) of a push: the data path, and for KV v2 the metadata path; or ESO's path error. */
export function pushPaths(vault: VaultProviderModel, remoteKey: string): { data: string; metadata?: string } | { error: string } {
  const acl = (logical: string): string => toHttpPath(logical).replace(/^\/v1\//, '');
  const data = acl(buildDataPath(vault.path, vault.version, remoteKey));
  if (vault.version === 'v1') return { data };
  try {
    return { data, metadata: acl(buildMetadataPath(vault.path, vault.version, remoteKey)) };
  } catch (err) {
    if (err instanceof MetadataPathError) return { error: err.message };
    throw err;
  }
}
