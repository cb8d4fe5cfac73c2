// KV path arithmetic: the path ESO requests split into the KV mount Vault serves it from and the
// secret path below it, and the sibling endpoints of one secret (`data/` ↔ `metadata/` ↔
// `subkeys/`, the parent folder's LIST). The webhook's own requests are built from these typed
// names (request-path.ts) and stay in the mount's KV endpoints; a path that does not split this way
// gets no request.
import type { FolderLocation, KvMountFact, SecretLocation } from './facts.js';

/** The path Vault's ACL sees for an HTTP request path: without `/v1/` and leading slashes; LIST paths end in `/`. */
export function aclPathOf(request: { httpPath: string; capability: string }): string {
  let path = request.httpPath.startsWith('/v1/') ? request.httpPath.slice(4) : request.httpPath;
  let lead = 0;
  while (path.charCodeAt(lead) === 47 /* '/' */) lead += 1;
  if (lead > 0) path = path.slice(lead);
  return request.capability === 'list' && !path.endsWith('/') ? `${path}/` : path;
}

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
  if (path === prefix) return { mount: mount.mountPath, folder: '', kvVersion };
  if (!path.startsWith(prefix)) return undefined;
  return { mount: mount.mountPath, folder: path.slice(prefix.length), kvVersion };
}

/** The ACL path of a KV v2 secret's metadata (`kv/metadata/app`), the sibling of its `data/` path. */
export function metadataAclPath(at: SecretLocation): string {
  return `${at.mount}metadata/${at.secretPath}`;
}

/** A secret's parent folder and its own name (`team/db` → `team/`, `db`): what a LIST of the parent shows. */
export function parentFolder(at: SecretLocation): { folder: string; leaf: string } {
  const slash = at.secretPath.lastIndexOf('/');
  return { folder: slash >= 0 ? at.secretPath.slice(0, slash + 1) : '', leaf: at.secretPath.slice(slash + 1) };
}

/**
 * The folder to LIST for names beside the secret a data path reads (`kv/data/team/db` on KV v2 →
 * `kv/metadata/team/`), with the part of the key below the mount that holds the folder and the
 * secret's own name, and where the mount's data paths start (`kv/data/`); undefined when the path is
 * not a secret of the mount.
 */
export function siblingFolder(mount: KvMountFact, dataPath: string): { listPath: string; parent: string; leaf: string; dataBase: string } | undefined {
  const v2 = mount.kvVersion === '2';
  const base = v2 ? `${mount.mountPath}data/` : mount.mountPath;
  if (!dataPath.startsWith(base)) return undefined;
  const rel = dataPath.slice(base.length);
  const slash = rel.lastIndexOf('/');
  const parent = slash >= 0 ? rel.slice(0, slash + 1) : '';
  const leaf = slash >= 0 ? rel.slice(slash + 1) : rel;
  if (leaf === '') return undefined;
  return { listPath: `${v2 ? `${mount.mountPath}metadata/` : mount.mountPath}${parent}`, parent, leaf, dataBase: base };
}

/** The path whose mount serves a store's `path` (the KV mount itself, or its v2 `data/` folder). */
export function storeMountProbePath(mountPath: string, version: 'v1' | 'v2'): string {
  return version === 'v2' ? `${mountPath}/data/` : `${mountPath}/`;
}
