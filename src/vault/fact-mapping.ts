// Turning Vault answers into facts. Secret data is converted to a ValueShape here, at once, and the
// values are dropped; custom metadata keeps key names only; auth configs lose credential fields.
import { toValueShape } from '../eso/value-shape.js';
import { metadataValueDigest } from './metadata-digest.js';
import type { AuthMountFact, Fact, KvMetadataFact, KvMountFact, KvVersionInfo, SecretReadFact } from './facts.js';
import type { CallOutcome } from './server-session.js';
import { errorSummary, isSealedError } from './vault-errors.js';

type Obj = Record<string, unknown>;

export function asObject(value: unknown): Obj | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** `data` of Vault's envelope; legacy sys routes also copy it to the top level, `data` is preferred. */
export function dataOf(body: unknown): Obj | undefined {
  return asObject(asObject(body)?.data);
}

/**
 * Classifies any outcome that is not a usable answer. `ok` handles 200/204 (and may also handle
 * specific 404 bodies through `onNotFound`).
 */
export function classify<T>(
  outcome: CallOutcome,
  source: string,
  ok: (body: unknown) => Fact<T>,
  onNotFound?: (body: unknown) => Fact<T> | undefined,
): Fact<T> {
  switch (outcome.kind) {
    case 'timeout': return { status: 'timeout', source };
    case 'connection': return { status: 'unavailable', source, detail: `cannot reach Vault: ${outcome.detail}` };
    case 'breaker_open': return { status: 'unavailable', source, detail: outcome.detail };
    case 'login_failed': return { status: 'unavailable', source, detail: `the webhook cannot log in to Vault: ${outcome.detail}` };
    case 'answer': break;
  }
  const { status, body } = outcome;
  if (status === 200 || status === 204) return ok(body);
  if (status === 404) return onNotFound?.(body) ?? { status: 'not_found', source };
  if (status === 403) {
    return { status: 'forbidden', source, detail: `the webhook's own Vault identity is denied (${errorSummary(body) || 'permission denied'}); grant it the stanza from deploy/vault/eso-vault-guard-policy.hcl` };
  }
  if (status === 503 && isSealedError(status, body)) return { status: 'sealed', source };
  return { status: 'unavailable', source, detail: `Vault answered HTTP ${status}${errorSummary(body) ? `: ${errorSummary(body)}` : ''}` };
}

export function kvVersionOf(type: string, options: unknown): '1' | '2' | null {
  if (type === 'generic') return '1';
  if (type !== 'kv') return null;
  return asObject(options)?.version === '2' ? '2' : '1';
}

export function toMountFact(mountPath: string, info: Obj): KvMountFact {
  const type = typeof info.type === 'string' ? info.type : '';
  const fact: KvMountFact = { mountPath: mountPath.endsWith('/') ? mountPath : `${mountPath}/`, type, kvVersion: kvVersionOf(type, info.options) };
  if (typeof info.accessor === 'string') fact.accessor = info.accessor;
  return fact;
}

/** Mount table from `sys/mounts`: entries are the objects that have a `type`. */
export function mountTable(body: unknown): Record<string, KvMountFact> {
  const data = dataOf(body) ?? asObject(body) ?? {};
  const table: Record<string, KvMountFact> = {};
  for (const [path, info] of Object.entries(data)) {
    const obj = asObject(info);
    if (path.endsWith('/') && obj && typeof obj.type === 'string') table[path] = toMountFact(path, obj);
  }
  return table;
}

/** Longest mount prefix serving `path`, as Vault's router picks it. */
export function longestMount(table: Record<string, KvMountFact>, path: string): KvMountFact | undefined {
  const wanted = `${path.replace(/^\/+/, '')}/`;
  let best: KvMountFact | undefined;
  for (const mount of Object.values(table)) {
    if (wanted.startsWith(mount.mountPath) && (!best || mount.mountPath.length > best.mountPath.length)) best = mount;
  }
  return best;
}

export function authMountTable(body: unknown): Record<string, AuthMountFact> {
  const data = dataOf(body) ?? asObject(body) ?? {};
  const table: Record<string, AuthMountFact> = {};
  for (const [path, info] of Object.entries(data)) {
    const obj = asObject(info);
    if (path.endsWith('/') && obj && typeof obj.type === 'string') {
      table[path] = { path, type: obj.type, accessor: typeof obj.accessor === 'string' ? obj.accessor : '' };
    }
  }
  return table;
}

/** Credential-like config fields never kept (Vault hides most; older plugins or proxies may not). */
const CREDENTIAL_FIELD = /(^|_)(secret|password|passphrase|private_key|client_key)(_|$)|^token_reviewer_jwt$|^jwt$/;

export function withoutCredentials(data: Obj): Obj {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !CREDENTIAL_FIELD.test(k)));
}

export function toKvMetadata(data: Obj): KvMetadataFact {
  const versions: Record<string, KvVersionInfo> = {};
  for (const [n, v] of Object.entries(asObject(data.versions) ?? {})) {
    const info = asObject(v) ?? {};
    versions[n] = {
      createdTime: typeof info.created_time === 'string' ? info.created_time : '',
      deletionTime: typeof info.deletion_time === 'string' ? info.deletion_time : '',
      destroyed: info.destroyed === true,
    };
  }
  return {
    currentVersion: typeof data.current_version === 'number' ? data.current_version : 0,
    oldestVersion: typeof data.oldest_version === 'number' ? data.oldest_version : 0,
    versions,
    customMetadataKeys: Object.keys(asObject(data.custom_metadata) ?? {}).sort(),
    customMetadataDigests: Object.fromEntries(
      Object.entries(asObject(data.custom_metadata) ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string').map(([k, v]) => [k, metadataValueDigest(v)]),
    ),
  };
}

/** 200 of a data path: shapes only. */
export function presentSecret(body: unknown, kvVersion: '1' | '2'): SecretReadFact {
  const data = dataOf(body) ?? {};
  const envelopeShape = toValueShape(data);
  if (kvVersion === '1') return { state: 'present', shape: envelopeShape, envelopeShape };
  const metadata = asObject(data.metadata);
  const fact: SecretReadFact = { state: 'present', shape: toValueShape(data.data ?? null), envelopeShape };
  if (typeof metadata?.version === 'number') fact.version = metadata.version;
  return fact;
}

/** 404 of a data path, per the KV v2 plugin: deleted/destroyed envelopes, the invalid-path warning, or nothing. */
export function absentSecret(body: unknown): SecretReadFact {
  const obj = asObject(body) ?? {};
  const metadata = asObject(asObject(obj.data)?.metadata);
  if (metadata) {
    const version = typeof metadata.version === 'number' ? metadata.version : 0;
    if (metadata.destroyed === true) return { state: 'destroyed', version };
    if (typeof metadata.deletion_time === 'string' && metadata.deletion_time !== '') {
      return { state: 'deleted', version, deletionTime: metadata.deletion_time };
    }
  }
  const warnings = Array.isArray(obj.warnings) ? obj.warnings.filter((w): w is string => typeof w === 'string') : [];
  const invalid = warnings.find((w) => /Invalid path for a versioned K\/V secrets engine/i.test(w));
  if (invalid) return { state: 'invalid_path', warning: invalid };
  return { state: 'missing' };
}
