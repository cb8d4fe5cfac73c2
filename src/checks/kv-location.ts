// Splits the path ESO requests into the KV mount Vault serves it from and the secret path below it,
// so the webhook's own requests are built from typed names (src/vault/request-path.ts) and stay in
// the mount's KV endpoints. A path that does not split this way gets no request.
import type { FolderLocation, KvMountFact, SecretLocation } from '../vault/facts.js';

/** `kv/dev/data/app` on mount `kv/dev/` (v2, api `data`) → `{mount: 'kv/dev/', secretPath: 'app'}`. */
export function secretLocation(mount: KvMountFact, requestPath: string, api: 'data' | 'metadata'): SecretLocation | undefined {
  const prefix = mount.kvVersion === '2' ? `${mount.mountPath}${api}/` : mount.mountPath;
  if (!requestPath.startsWith(prefix)) return undefined;
  const secretPath = requestPath.slice(prefix.length);
  return secretPath === '' || secretPath.endsWith('/') ? undefined : { mount: mount.mountPath, secretPath };
}

/** A LIST path (`kv/metadata/team/`) as a folder of its mount. */
export function folderLocation(mount: KvMountFact, listPath: string): FolderLocation | undefined {
  const kvVersion = mount.kvVersion === '2' ? '2' : '1';
  const prefix = kvVersion === '2' ? `${mount.mountPath}metadata/` : mount.mountPath;
  const path = listPath.endsWith('/') ? listPath : `${listPath}/`;
  if (`${path}` === prefix) return { mount: mount.mountPath, folder: '', kvVersion };
  if (!path.startsWith(prefix)) return undefined;
  return { mount: mount.mountPath, folder: path.slice(prefix.length), kvVersion };
}
