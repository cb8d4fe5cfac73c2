// The Vault API paths ESO's Vault provider builds (providers/v1/vault/client_get.go buildPath /
// buildMetadataPath), quirks included, and the HTTP path the Vault Go client sends.
import { posix } from 'node:path';

export type KvVersion = 'v1' | 'v2';

/** ESO cannot build a metadata path; `message` is ESO's own error text (or what happens instead). */
export class MetadataPathError extends Error {
  constructor(
    readonly reason: 'invalid-kv2-path' | 'nil-store-path-panic',
    message: string,
  ) {
    super(message);
    this.name = 'MetadataPathError';
  }
}

export const INVALID_KV2_PATH = "provided Path isn't a valid kv v2 path";

/** The logical path ESO reads for `key` (buildPath). `path === null` means `spec.provider.vault.path` omitted. */
export function buildDataPath(path: string | null, version: KvVersion, key: string): string {
  let out = key;
  if (path !== null) {
    const cut = `${path}/`;
    // Only a leading "<mount>/" is stripped, and "data/" only right after it.
    if (out.startsWith(cut)) {
      out = out.slice(cut.length);
      if (version === 'v2' && out.startsWith('data/')) out = out.slice('data/'.length);
    }
    return version === 'v2' ? `${path}/data/${out}` : `${path}/${out}`;
  }
  if (version === 'v2' && !out.includes('/data/')) {
    const parts = out.split('/');
    return [parts[0], 'data', ...parts.slice(1)].join('/');
  }
  return out;
}

/**
 * The logical metadata path (buildMetadataPath): `metadataPolicy: Fetch`, `find` LIST and tag reads.
 * Throws MetadataPathError where ESO errors (v2 without store path and no "data" in key) or panics
 * (v1 without store path: nil pointer dereference).
 */
export function buildMetadataPath(path: string | null, version: KvVersion, key: string): string {
  if (version === 'v1') {
    if (path === null) {
      throw new MetadataPathError(
        'nil-store-path-panic',
        'ESO dereferences the omitted spec.provider.vault.path (nil pointer) and the reconcile panics',
      );
    }
    return `${path}/${key}`;
  }
  if (path === null) {
    if (!key.includes('data')) throw new MetadataPathError('invalid-kv2-path', INVALID_KV2_PATH);
    return key.replace('/data/', '/metadata/'); // first occurrence only, may be a no-op
  }
  return `${path}/metadata/${key}`; // the mount prefix is NOT stripped here
}

/** The request path the Vault Go client sends: path.Clean("/v1/" + logical). */
export function toHttpPath(logicalPath: string): string {
  // Most paths are already clean (no empty, "." or ".." segment, no leading or trailing "/"): nothing to resolve.
  if (logicalPath !== '' && !logicalPath.includes('.') && !logicalPath.includes('//') && logicalPath[0] !== '/' && !logicalPath.endsWith('/')) return `/v1/${logicalPath}`;
  return posix.normalize(`/v1/${logicalPath}`).replace(/(.)\/+$/, '$1');
}
