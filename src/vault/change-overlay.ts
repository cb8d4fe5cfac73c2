// VaultFacts as they would be after a proposed Vault-side change (`impact`): new policy texts
// (or deleted policies), new role definitions (or deleted roles), and secrets deleted with all their
// versions. Only the facts the change touches answer differently; everything else, and every check
// over the facts (ACL compilation, bindings, disclosure), is the product's own.
import type { Fact, FactOptions, FolderLocation, KvMetadataFact, SecretLocation, SecretReadFact, VaultFacts } from './facts.js';

export interface VaultChange {
  /** Policy name (lower case) → its new text; null: the policy is deleted. */
  policies: ReadonlyMap<string, string | null>;
  /** `<auth mount>/<role>` (mount without slashes, role in lower case) → the new role data; null: deleted. */
  roles: ReadonlyMap<string, Record<string, unknown> | null>;
  /**
   * Secrets deleted with every version (`vault kv metadata delete`, or `vault delete` on KV v1), written
   * as `vault kv` takes them (`apps/team-a/db`) or as the API path (`apps/data/team-a/db`).
   */
  removedSecrets: readonly string[];
  /** The Vault Enterprise namespace the change is made in; '' is the root namespace. */
  namespace: string;
}

const trim = (p: string): string => p.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '');

/** The names a secret can be given by: `vault kv` style, and on KV v2 the data and metadata API paths. */
function secretNames(mount: string, secretPath: string, kvVersion: '1' | '2'): string[] {
  const m = trim(mount);
  const p = trim(secretPath);
  return kvVersion === '2' ? [`${m}/${p}`, `${m}/data/${p}`, `${m}/metadata/${p}`] : [`${m}/${p}`];
}

export function roleKey(mount: string, role: string): string {
  return `${trim(mount)}/${role.toLowerCase()}`;
}

export function withChange(facts: VaultFacts, change: VaultChange): VaultFacts {
  const removed = new Set(change.removedSecrets.map(trim));
  const inScope = (opts: FactOptions): boolean => trim(opts.namespace ?? '') === trim(change.namespace);
  const isRemoved = (mount: string, secretPath: string, kvVersion: '1' | '2'): boolean => secretNames(mount, secretPath, kvVersion).some((n) => removed.has(n));
  /** Some removed secret lies below the folder (`team-a/`) of the mount. */
  const removedBelow = (mount: string, folder: string, kvVersion: '1' | '2'): boolean => {
    const prefixes = secretNames(mount, folder === '' ? '' : folder, kvVersion).map((n) => (n.endsWith('/') ? n : `${n}/`));
    return [...removed].some((r) => prefixes.some((p) => r.startsWith(p)));
  };
  const source = (what: string): string => `${what} (with the proposed change)`;

  const policyText: VaultFacts['policyText'] = (server, name, opts) => {
    const key = name.toLowerCase();
    if (!inScope(opts) || !change.policies.has(key)) return facts.policyText(server, name, opts);
    const text = change.policies.get(key);
    return Promise.resolve(text === null || text === undefined ? { status: 'not_found', source: source(`policy ${key}`) } : { status: 'ok', value: text, source: source(`policy ${key}`) });
  };

  const authRole: VaultFacts['authRole'] = (server, mountPath, role, opts) => {
    const key = roleKey(mountPath, role);
    if (!inScope(opts) || !change.roles.has(key)) return facts.authRole(server, mountPath, role, opts);
    const data = change.roles.get(key);
    const where = source(`auth/${trim(mountPath)}/role/${role.toLowerCase()}`);
    return Promise.resolve(data === null || data === undefined ? { status: 'not_found', source: where } : { status: 'ok', value: data, source: where });
  };

  const kvMetadata: VaultFacts['kvMetadata'] = (server, at, opts): Promise<Fact<KvMetadataFact>> => {
    if (inScope(opts) && isRemoved(at.mount, at.secretPath, '2')) return Promise.resolve({ status: 'not_found', source: source(`${trim(at.mount)}/metadata/${trim(at.secretPath)}`) });
    return facts.kvMetadata(server, at, opts);
  };

  const readSecretShape: VaultFacts['readSecretShape'] = (server, at: SecretLocation, version, opts): Promise<Fact<SecretReadFact>> => {
    if (inScope(opts) && isRemoved(at.mount, at.secretPath, opts.kvVersion)) {
      return Promise.resolve({ status: 'ok', value: { state: 'missing' }, source: source(`${trim(at.mount)}/${trim(at.secretPath)}`) });
    }
    return facts.readSecretShape(server, at, version, opts);
  };

  const listKeys = async (server: string, at: FolderLocation, opts: FactOptions): Promise<Fact<string[]>> => {
    const listed = await facts.listKeys(server, at, opts);
    if (!inScope(opts) || listed.status !== 'ok' || !removedBelow(at.mount, at.folder, at.kvVersion)) return listed;
    const kept: string[] = [];
    for (const key of listed.value) {
      if (!key.endsWith('/')) {
        if (!isRemoved(at.mount, `${at.folder}${key}`, at.kvVersion)) kept.push(key);
        continue;
      }
      // A folder whose every secret is removed disappears from its parent's listing, as in Vault.
      if (!removedBelow(at.mount, `${at.folder}${key}`, at.kvVersion)) {
        kept.push(key);
        continue;
      }
      const below = await listKeys(server, { ...at, folder: `${at.folder}${key}` }, opts);
      if (below.status !== 'not_found') kept.push(key);
    }
    // LIST of a folder with nothing left in it is a 404.
    if (kept.length === 0) return { status: 'not_found', source: source(listed.source) };
    return { status: 'ok', value: kept, source: source(listed.source) };
  };

  const overridden: Partial<Record<keyof VaultFacts, unknown>> = { policyText, authRole, kvMetadata, readSecretShape, listKeys };
  return new Proxy(facts, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overridden) return overridden[prop as keyof VaultFacts];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
