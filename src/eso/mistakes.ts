// The classic ESO + Vault KV mistakes users report (reference/eso/user-demand.md), detected from the
// manifest alone. These are hints: whether they break the sync is decided by the Vault checks.
import { buildDataPath, buildMetadataPath } from './paths.js';
import type { RemoteRefModel, VaultProviderModel } from './model.js';

export interface ClassicMistake {
  kind: 'data-prefix-property' | 'mount-in-key' | 'data-in-key' | 'data-in-store-path' | 'v1-v2-confusion';
  field: string;
  message: string;
  hint: string;
  /** The key the hint names, when it is one certain value. */
  fix?: { field: string; value: string };
}

const STORE_PATH_FIELD = 'spec.provider.vault.path';

function safeMetadataPath(vault: VaultProviderModel, key: string): string | undefined {
  try {
    return buildMetadataPath(vault.path, vault.version, key);
  } catch {
    return undefined;
  }
}

/** `field` is the remote reference (`spec.data[0].remoteRef`) or one of its fields (`….key`). */
export function detectClassicMistakes(vault: VaultProviderModel, remoteRef: RemoteRefModel, field: string): ClassicMistake[] {
  const base = field.replace(/\.(key|property|version|metadataPolicy)$/, '');
  const keyField = `${base}.key`;
  const propertyField = `${base}.property`;
  const out: ClassicMistake[] = [];
  const { path, version } = vault;
  const key = remoteRef.key;
  const property = remoteRef.property ?? '';
  const dataPath = buildDataPath(path, version, key);

  if (version === 'v2' && property.startsWith('data.')) {
    const rest = property.slice('data.'.length);
    out.push({
      kind: 'data-prefix-property',
      field: propertyField,
      message: `${propertyField} "${property}" starts with "data.", but with a KV v2 store (version: v2) ESO has already unwrapped Vault's data envelope, so it looks for a key named "data" inside the secret.`,
      hint: `Use property: "${rest}".`,
    });
  }

  if (path !== null && path !== '') {
    const segments = path.split('/').filter((s) => s !== '');
    if (version === 'v2' && segments.slice(1).includes('data')) {
      const mount = segments.slice(0, segments.indexOf('data', 1)).join('/');
      out.push({
        kind: 'data-in-store-path',
        field: STORE_PATH_FIELD,
        message: `${STORE_PATH_FIELD} "${path}" contains "/data"; ESO always adds "/data" itself for version v2 and never removes it, so it reads "${dataPath}".`,
        hint: `Set ${STORE_PATH_FIELD} to the KV mount only ("${mount}").`,
      });
    }
    if (key.startsWith(`${path}/`)) {
      const rest = key.slice(path.length + 1);
      const strippedData = version === 'v2' && rest.startsWith('data/');
      const metaBroken = remoteRef.metadataPolicy === 'Fetch';
      const metaPath = metaBroken ? safeMetadataPath(vault, key) : undefined;
      const relative = strippedData ? rest.slice('data/'.length) : rest;
      out.push({
        kind: 'mount-in-key',
        field: keyField,
        fix: { field: keyField, value: relative },
        message: metaBroken
          ? `${keyField} "${key}" repeats the store path "${path}"; ESO strips it for the data read (${dataPath}) but not for metadataPolicy: Fetch, which reads "${metaPath ?? '?'}".`
          : `${keyField} "${key}" repeats the store path "${path}"${strippedData ? ' and "data/"' : ''}; ESO strips ${strippedData ? 'them' : 'it'} and reads "${dataPath}", which works but breaks if the store path changes.`,
        hint: `Use key: "${relative}" (relative to the store path).`,
      });
    } else if (version === 'v2' && key.startsWith('data/')) {
      out.push({
        kind: 'data-in-key',
        field: keyField,
        fix: { field: keyField, value: key.slice('data/'.length) },
        message: `${keyField} "${key}" starts with "data/"; ESO adds "/data" itself for version v2, so it reads "${dataPath}".`,
        hint: `Use key: "${key.slice('data/'.length)}".`,
      });
    }
  } else if (path === null && version === 'v2' && key.startsWith('/')) {
    out.push({
      kind: 'mount-in-key',
      field: keyField,
      message: `${keyField} "${key}" starts with "/" and the store has no path, so ESO takes the empty first segment as the mount and reads "${dataPath}".`,
      hint: `Remove the leading "/" and start the key with the mount ("secret${key}"), or set ${STORE_PATH_FIELD}.`,
    });
  }

  if (version === 'v1') {
    const looksV2 = (path !== null && (key.startsWith(`${path}/data/`) || key.startsWith('data/'))) || (path === null && key.includes('/data/'));
    if (looksV2 || property.startsWith('data.')) {
      out.push({
        kind: 'v1-v2-confusion',
        field: looksV2 ? keyField : propertyField,
        message: `The store is version: v1 but ${looksV2 ? `${keyField} "${key}" is a KV v2 API path` : `${propertyField} "${property}" reaches into KV v2's data envelope`}; ESO then reads "${dataPath}" and treats Vault's whole {data, metadata} response as the secret.`,
        hint: 'If the mount is KV v2, set spec.provider.vault.version: v2, drop "data/" from the key and "data." from the property.',
      });
    }
  }
  return out;
}
