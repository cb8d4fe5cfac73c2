// Turning Vault answers into facts. Secret data is converted to a ValueShape here, at once, and the
// values are dropped; custom metadata keeps key names only; auth configs lose credential fields.
// Anything that is not a well-formed Vault answer (a proxy's HTML page, JSON of another shape) is
// "could not check", never a fact a rule could turn into a finding.
import { subkeysShape, toValueShape } from '../eso/value-shape.js';
import type { ValueShape } from '../eso/value-shape.js';
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

/** An answer that is not what Vault sends for this request: could not check. */
export function notVaultAnswer<T>(source: string, what: string): Fact<T> {
  return { status: 'unavailable', source, detail: `the answer is not a well-formed Vault response (${what}); a proxy or portal in front of Vault?` };
}

/** Vault's error body: `{"errors": [...]}` (an empty list for a plain 404). */
function isErrorBody(body: unknown): boolean {
  const obj = asObject(body);
  return obj !== undefined && Array.isArray(obj.errors) && obj.errors.every((e) => typeof e === 'string');
}

/** Vault's response envelope: an object with `request_id` and a `data` object or null. */
function isEnvelope(body: unknown): boolean {
  const obj = asObject(body);
  return obj !== undefined && typeof obj.request_id === 'string' && (obj.data === null || asObject(obj.data) !== undefined);
}

/**
 * Classifies any outcome that is not a usable answer. `ok` handles 200 bodies that are JSON objects
 * (and may also handle specific 404 envelopes through `onNotFound`); other bodies are not Vault's.
 */
export function classify<T>(
  outcome: CallOutcome,
  source: string,
  ok: (body: Obj) => Fact<T>,
  onNotFound?: (body: Obj) => Fact<T> | undefined,
): Fact<T> {
  switch (outcome.kind) {
    case 'timeout': return { status: 'timeout', source };
    case 'connection': return { status: 'unavailable', source, detail: `cannot reach Vault: ${outcome.detail}` };
    case 'breaker_open': return { status: 'unavailable', source, detail: outcome.detail };
    case 'login_failed': return { status: 'unavailable', source, detail: `the webhook cannot log in to Vault: ${outcome.detail}` };
    case 'refused': return { status: 'unavailable', source, detail: outcome.detail };
    case 'answer': break;
  }
  const { status, body } = outcome;
  if (status === 200) {
    const obj = asObject(body);
    return obj && !isErrorBody(obj) ? ok(obj) : notVaultAnswer(source, obj ? 'an error body with status 200' : 'not a JSON object');
  }
  if (status === 404) {
    // Vault's 404s are `{"errors":[]}` or (KV v2) an envelope; anything else came from elsewhere.
    if (isEnvelope(body)) return onNotFound?.(body as Obj) ?? { status: 'not_found', source };
    if (isErrorBody(body)) return onNotFound?.(body as Obj) ?? { status: 'not_found', source };
    return notVaultAnswer(source, 'a 404 without Vault\'s error body');
  }
  if (status === 403) {
    if (!isErrorBody(body)) return notVaultAnswer(source, 'a 403 without Vault\'s error body');
    // A request in a namespace below the token's meets its policies as `<relative ns path>/<path>`.
    const namespaced = / \[namespace [^\]]+\]/.test(source) ? ' with the namespace\'s path (relative to the webhook\'s own namespace) in front, as deploy/vault/README.md says' : '';
    return { status: 'forbidden', source, detail: `the webhook's own Vault identity is denied (${errorSummary(body) || 'permission denied'}); grant it the stanza from deploy/vault/eso-vault-guard-policy.hcl${namespaced}` };
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

/** Mount table from `sys/mounts`: entries are the objects that have a `type`; Vault always has some (sys/, cubbyhole/). */
export function mountTable(body: Obj, source: string): Fact<Record<string, KvMountFact>> {
  const data = dataOf(body) ?? body;
  const table: Record<string, KvMountFact> = {};
  for (const [path, info] of Object.entries(data)) {
    const obj = asObject(info);
    if (path.endsWith('/') && obj && typeof obj.type === 'string') table[path] = toMountFact(path, obj);
  }
  return Object.keys(table).length > 0 ? { status: 'ok', value: table, source } : notVaultAnswer(source, 'no mount table');
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

/** Auth mount table from `sys/auth`; Vault always lists at least `token/`. */
export function authMountTable(body: Obj, source: string): Fact<Record<string, AuthMountFact>> {
  const data = dataOf(body) ?? body;
  const table: Record<string, AuthMountFact> = {};
  for (const [path, info] of Object.entries(data)) {
    const obj = asObject(info);
    if (path.endsWith('/') && obj && typeof obj.type === 'string') {
      table[path] = { path, type: obj.type, accessor: typeof obj.accessor === 'string' ? obj.accessor : '' };
    }
  }
  return Object.keys(table).length > 0 ? { status: 'ok', value: table, source } : notVaultAnswer(source, 'no auth mount table');
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
    ...(typeof data.cas_required === 'boolean' ? { casRequired: data.cas_required } : {}),
    ...(typeof data.metadata_cas_required === 'boolean' ? { metadataCasRequired: data.metadata_cas_required } : {}),
  };
}

/** 200 of a data path: shapes only. */
export function presentSecret(body: Obj, kvVersion: '1' | '2', source: string): Fact<SecretReadFact> {
  const data = dataOf(body);
  if (!data) return notVaultAnswer(source, 'no data');
  const envelopeShape = toValueShape(data);
  if (kvVersion === '1') return { status: 'ok', value: { state: 'present', shape: envelopeShape, envelopeShape }, source };
  const metadata = asObject(data.metadata);
  if (!metadata) return notVaultAnswer(source, 'no data.metadata');
  const fact: SecretReadFact = { state: 'present', shape: toValueShape(data.data ?? null), envelopeShape };
  if (typeof metadata.version === 'number') fact.version = metadata.version;
  return { status: 'ok', value: fact, source };
}

/**
 * 200 of `<mount>/subkeys/<path>`: the key tree with null leaves (scalars, arrays and empty maps
 * alike). The envelope a v1 store would get reading the data path is `{data, metadata}`.
 */
export function presentSubkeys(body: Obj, source: string): Fact<SecretReadFact> {
  const data = dataOf(body);
  const subkeys = data ? asObject(data.subkeys) : undefined;
  const metadata = data ? asObject(data.metadata) : undefined;
  if (!subkeys || !metadata) return notVaultAnswer(source, 'no data.subkeys and data.metadata');
  const shape = subkeysShape(subkeys);
  // The data read's metadata carries the same fields as subkeys' (custom_metadata values are not kept).
  const envelopeShape: ValueShape = { type: 'object', keys: { data: shape, metadata: toValueShape(metadata) } };
  const fact: SecretReadFact = { state: 'present', shape, envelopeShape };
  if (typeof metadata.version === 'number') fact.version = metadata.version;
  return { status: 'ok', value: fact, source };
}

/** 404 envelope of a data or subkeys path, per the KV v2 plugin: deleted/destroyed versions, the invalid-path warning, or nothing. */
export function absentSecret(body: Obj, source: string): Fact<SecretReadFact> {
  const metadata = asObject(asObject(body.data)?.metadata);
  if (metadata) {
    const version = typeof metadata.version === 'number' ? metadata.version : 0;
    if (metadata.destroyed === true) return { status: 'ok', value: { state: 'destroyed', version }, source };
    if (typeof metadata.deletion_time === 'string' && metadata.deletion_time !== '') {
      return { status: 'ok', value: { state: 'deleted', version, deletionTime: metadata.deletion_time }, source };
    }
  }
  const warnings = Array.isArray(body.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string') : [];
  const invalid = warnings.find((w) => /Invalid path for a versioned K\/V secrets engine/i.test(w));
  if (invalid) return { status: 'ok', value: { state: 'invalid_path', warning: invalid }, source };
  return { status: 'ok', value: { state: 'missing' }, source };
}
