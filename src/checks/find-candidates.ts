// Gathers what dataFrom[].find does after its first LIST, exactly as ESO's Vault provider does it
// (providers/v1/vault/client_get_all_secrets.go): LIST each sub-folder (keys ending in `/`)
// recursively, then for name.regexp read the data of every candidate whose full name matches
// (Go regexp, unanchored), or for tags read the metadata of every candidate. Every LIST made here is
// one the store's identity may make (the caller checked coverage first), so the names it sees are
// names that identity could see itself.
import { buildDataPath, buildMetadataPath, goRegexMatches, toHttpPath } from '../eso/index.js';
import type { FindModel, VaultProviderModel } from '../eso/model.js';
import { evaluateAcl, isOperationAllowed, suggestStanza, type CompiledAcl } from '../vault/acl/index.js';
import type { FactOptions, KvMetadataFact, KvMountFact, VaultFacts } from '../vault/facts.js';
import { folderLocation, secretLocation } from '../vault/kv-paths.js';
import { metadataValueDigest } from '../vault/metadata-digest.js';
import type { Collector } from './collector.js';
import type { DeniedCandidateRequest } from './rules/find-coverage.js';

/** Bounds on the walk, so a huge tree cannot eat the admission deadline; past them nothing more is judged. */
export const FIND_WALK_LIMITS = { maxFolders: 50, maxCandidates: 500 };

export interface FindWalkResult {
  denied: DeniedCandidateRequest[];
  totalRequests: number;
  /** Glob stanza covering the kind of request denied first. */
  stanza: string;
  /** False when a LIST could not be made (Vault unavailable) or a limit was reached. */
  complete: boolean;
  /** Names of the secrets ESO reads (the keys of the Secret before rewrite/conversion). */
  produced: string[];
}

function tagsMatch(digests: Record<string, string>, tags: Record<string, string>): boolean {
  return Object.entries(tags).every(([k, v]) => digests[k] !== undefined && digests[k] === metadataValueDigest(v));
}

function aclPath(logicalPath: string, list: boolean): string {
  const path = toHttpPath(logicalPath).replace(/^\/v1\//, '');
  return list && !path.endsWith('/') ? `${path}/` : path;
}

/**
 * ESO skips a candidate whose current version is deleted or destroyed: its data read answers
 * "no secret" (NoSecretError in findSecretsFromName/findSecretsFromTags), so its name makes no key.
 */
function currentVersionGone(meta: KvMetadataFact): boolean {
  const current = meta.versions[String(meta.currentVersion)];
  return current !== undefined && (current.deletionTime !== '' || current.destroyed);
}

/**
 * The candidates of a name walk on KV v2 whose current version is live, from their metadata (the
 * webhook's own read; the store's identity may read their data, so it could learn the same);
 * undefined when a metadata read could not be made (recorded as could-not-check).
 */
export async function liveCandidates(args: {
  vault: VaultProviderModel;
  mount: KvMountFact;
  names: readonly string[];
  facts: VaultFacts;
  opts: FactOptions;
  collector: Collector;
  field: string;
}): Promise<string[] | undefined> {
  const { vault, mount, facts, opts, collector, field } = args;
  const live: string[] = [];
  const reads = await Promise.all(args.names.map(async (name) => {
    const at = secretLocation(mount, aclPath(buildMetadataPath(vault.path, vault.version, name), false), 'metadata');
    return { name, meta: at ? await facts.kvMetadata(vault.server, at, opts) : undefined };
  }));
  for (const { name, meta } of reads) {
    if (!meta || collector.failed(field, meta)) return undefined;
    if (meta.status === 'ok' && !currentVersionGone(meta.value)) live.push(name);
  }
  return live;
}

export async function walkFindCandidates(args: {
  vault: VaultProviderModel;
  find: FindModel;
  field: string;
  acl: CompiledAcl;
  facts: VaultFacts;
  opts: FactOptions;
  collector: Collector;
  /** The KV mount serving the search path (LISTs are built as folders of it). */
  mount: KvMountFact;
  /** The keys of the first LIST (already made and covered). */
  topKeys: string[];
}): Promise<FindWalkResult> {
  const { vault, find, acl, facts, opts, collector, field } = args;
  const searchPath = find.path ? `${find.path}/` : '';
  const allowed = (path: string, capability: 'read' | 'list') => isOperationAllowed(evaluateAcl(acl, path), capability);
  const denied: DeniedCandidateRequest[] = [];
  const candidates: string[] = [];
  let totalRequests = 0;
  let complete = true;
  let folders = 0;

  // Breadth-first over the folders ESO lists; `prefix` is the full name ESO builds (path + key).
  const queue: { prefix: string; keys: string[] }[] = [{ prefix: searchPath, keys: args.topKeys }];
  while (queue.length > 0) {
    const { prefix, keys } = queue.shift()!;
    for (const key of keys) {
      const full = prefix === '' ? key : prefix + key;
      if (!key.endsWith('/')) {
        candidates.push(full);
        continue;
      }
      if (++folders > FIND_WALK_LIMITS.maxFolders) {
        complete = false;
        continue;
      }
      totalRequests += 1;
      const listPath = aclPath(buildMetadataPath(vault.path, vault.version, full), true);
      if (!allowed(listPath, 'list')) {
        denied.push({ aclPath: listPath, capability: 'list', purpose: 'list-folder' });
        continue;
      }
      // A folder outside the mount (only through odd key names Vault returned) is not listed.
      const folder = folderLocation(args.mount, listPath);
      if (!folder) {
        complete = false;
        continue;
      }
      const listed = await facts.listKeys(vault.server, folder, opts);
      if (collector.failed(field, listed)) {
        complete = false;
        continue;
      }
      if (listed.status === 'ok') queue.push({ prefix: full, keys: listed.value });
    }
  }
  if (candidates.length > FIND_WALK_LIMITS.maxCandidates) {
    complete = false;
    candidates.length = FIND_WALK_LIMITS.maxCandidates;
  }

  const byName = find.nameRegexp !== undefined;
  const produced: string[] = [];
  for (const name of candidates) {
    if (byName) {
      // A pattern that does not compile is a MalformedReference found before Vault; never a match here.
      if (goRegexMatches(find.nameRegexp ?? '', name) !== true) continue;
      totalRequests += 1;
      const path = aclPath(buildDataPath(vault.path, vault.version, name), false);
      if (!allowed(path, 'read')) denied.push({ aclPath: path, capability: 'read', purpose: 'read-data' });
      produced.push(name);
    } else {
      totalRequests += 1;
      const path = aclPath(buildMetadataPath(vault.path, vault.version, name), false);
      if (!allowed(path, 'read')) {
        denied.push({ aclPath: path, capability: 'read', purpose: 'read-metadata' });
        continue;
      }
      // ESO reads the data of every candidate whose custom metadata holds the tags (findSecretsFromTags).
      const at = secretLocation(args.mount, path, 'metadata');
      if (!at) {
        complete = false;
        continue;
      }
      const meta = await facts.kvMetadata(vault.server, at, opts);
      if (collector.failed(field, meta)) {
        complete = false;
        continue;
      }
      if (meta.status !== 'ok' || !tagsMatch(meta.value.customMetadataDigests ?? {}, find.tags ?? {})) continue;
      totalRequests += 1;
      const dataPath = aclPath(buildDataPath(vault.path, vault.version, name), false);
      if (!allowed(dataPath, 'read')) denied.push({ aclPath: dataPath, capability: 'read', purpose: 'read-data' });
      // The data read is still made (and must be allowed), but a deleted current version gives no key.
      if (!currentVersionGone(meta.value)) produced.push(name);
    }
  }
  const first = denied[0];
  const globFor = (purpose: DeniedCandidateRequest['purpose']): string =>
    purpose === 'read-data'
      ? suggestStanza(`${acl.pathPrefix ?? ''}${aclPath(buildDataPath(vault.path, vault.version, searchPath), true)}*`, 'read')
      : purpose === 'read-metadata'
        ? suggestStanza(`${acl.pathPrefix ?? ''}${aclPath(buildMetadataPath(vault.path, vault.version, searchPath), true)}*`, 'read')
        : suggestStanza(`${acl.pathPrefix ?? ''}${aclPath(buildMetadataPath(vault.path, vault.version, searchPath), true)}*`, 'list');
  return { denied, totalRequests, stanza: first ? globFor(first.purpose) : '', complete, produced };
}
