// VaultState (the vault-state.json format of examples/README.md) and the exact response
// shapes of Vault's API (test/fixtures/reference/vault/api-shapes.md) that the double answers with.
import { createHash, randomUUID } from 'node:crypto';

export interface VaultStateSecretVersion {
  data: Record<string, unknown>;
  deleted?: boolean;
  destroyed?: boolean;
  /** Double extension: fixed timestamps (RFC 3339); generated when absent. */
  created_time?: string;
  deletion_time?: string;
}

export interface VaultState {
  server?: string;
  /** Double extension on KV v2 mounts: `config`, what `GET <mount>/config` answers (cas_required false when absent). */
  mounts: Record<string, { type: string; options?: Record<string, string> | null; accessor?: string; description?: string; config?: { cas_required?: boolean; metadata_cas_required?: boolean } }>;
  auth: Record<string, {
    type: string;
    accessor?: string;
    config?: Record<string, unknown>;
    /** Roles as GET auth/<path>/role/<role> returns them. Double extension for approle: `role_id`, `secret_id` (never returned on read). */
    roles?: Record<string, Record<string, unknown>>;
  }>;
  policies: Record<string, string>;
  /** Double extension on secrets: `cas_required` (KV v2 metadata), `metadata_cas_required` (OpenBao only; returned only when set). */
  secrets: Record<string, { versions: VaultStateSecretVersion[]; custom_metadata?: Record<string, string>; cas_required?: boolean; metadata_cas_required?: boolean }>;
}

export type Json = Record<string, unknown>;

export function hex8(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 8);
}

function uuidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function envelope(data: unknown, mountType: string, extra: Partial<Json> = {}): Json {
  return {
    request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0,
    data, wrap_info: null, warnings: null, auth: null, mount_type: mountType, ...extra,
  };
}

/** Legacy sys routes (sys/mounts, sys/auth, ...) copy every key of `data` to the top level as well. */
export function injected(data: Json, mountType = 'system'): Json {
  return { ...data, ...envelope(data, mountType) };
}

export const ERR_PERMISSION_DENIED = { errors: ['1 error occurred:\n\t* permission denied\n\n'] };
export const ERR_INVALID_TOKEN = { errors: ['2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n'] };
export const ERR_SEALED = { errors: ['Vault is sealed'] };
export const ERR_EMPTY = { errors: [] as string[] };

export function cannedError(status: number, path: string): Json {
  switch (status) {
    case 403: return ERR_PERMISSION_DENIED;
    case 404: return ERR_EMPTY;
    case 429: return { errors: [`request path "${path}": rate limit quota exceeded`] };
    case 500: return { errors: ['internal error'] };
    case 503: return ERR_SEALED;
    default: return { errors: [`error ${status}`] };
  }
}

export function healthBody(sealed: boolean): Json {
  const body: Json = {
    initialized: true, sealed, standby: sealed, performance_standby: false,
    replication_performance_mode: sealed ? 'unknown' : 'disabled', replication_dr_mode: sealed ? 'unknown' : 'disabled',
    server_time_utc: Math.floor(Date.now() / 1000), version: '1.21.0', enterprise: false,
  };
  if (!sealed) Object.assign(body, { cluster_name: 'vault-cluster-double', cluster_id: uuidFor('cluster') });
  return { ...body, echo_duration_ms: 0, clock_skew_ms: 0, replication_primary_canary_age_ms: 0, removed_from_cluster: false };
}

const BASE_CONFIG = { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 };

export const BUILTIN_MOUNTS: VaultState['mounts'] = {
  'cubbyhole/': { type: 'cubbyhole', description: 'per-token private secret storage' },
  'identity/': { type: 'identity', description: 'identity store' },
  'sys/': { type: 'system', description: 'system endpoints used for control, policy and debugging' },
};

export function mountInfo(path: string, m: VaultState['mounts'][string]): Json {
  const builtinVault = ['cubbyhole', 'identity', 'system'].includes(m.type);
  const info: Json = {
    accessor: m.accessor ?? `${m.type}_${hex8(path)}`,
    config: m.type === 'system' ? { ...BASE_CONFIG, passthrough_request_headers: ['Accept'] } : { ...BASE_CONFIG },
  };
  if (!builtinVault) info.deprecation_status = 'supported';
  Object.assign(info, {
    description: m.description ?? (m.type === 'kv' ? 'key/value secret storage' : ''),
    external_entropy_access: false,
    local: m.type === 'cubbyhole',
    options: m.options ?? null,
    plugin_version: '',
    running_plugin_version: builtinVault ? 'v1.21.0+builtin.vault' : 'v0.25.0+builtin',
    running_sha256: '',
    seal_wrap: false,
    type: m.type,
    uuid: uuidFor(path),
  });
  return info;
}

export function authMountInfo(path: string, a: { type: string; accessor?: string }): Json {
  const info: Json = {
    accessor: a.accessor ?? `auth_${a.type}_${hex8(path)}`,
    config: { ...BASE_CONFIG, token_type: 'default-service' },
  };
  if (a.type !== 'token') info.deprecation_status = 'supported';
  Object.assign(info, {
    description: a.type === 'token' ? 'token based credentials' : '',
    external_entropy_access: false, local: false, options: null, plugin_version: '',
    running_plugin_version: a.type === 'token' ? 'v1.21.0+builtin.vault' : 'v0.24.1+builtin',
    running_sha256: '', seal_wrap: false, type: a.type, uuid: uuidFor(`auth/${path}`),
  });
  return info;
}

const TOKEN_DEFAULTS: Json = {
  token_bound_cidrs: [], token_explicit_max_ttl: 0, token_max_ttl: 0, token_no_default_policy: false,
  token_num_uses: 0, token_period: 0, token_policies: [], token_ttl: 0, token_type: 'default',
};

/** A role as Vault returns it: the state's fields over the method's defaults. */
export function roleView(type: string, role: Json): Json {
  const { role_id: _roleId, secret_id: _secretId, ...fields } = role;
  let defaults: Json = {};
  if (type === 'kubernetes') {
    defaults = { alias_name_source: 'serviceaccount_uid', bound_service_account_names: [], bound_service_account_namespace_selector: '', bound_service_account_namespaces: [] };
  } else if (type === 'jwt' || type === 'oidc') {
    defaults = {
      allowed_redirect_uris: null, bound_audiences: null, bound_claims: null, bound_claims_type: 'string', bound_subject: '',
      claim_mappings: null, clock_skew_leeway: 60, expiration_leeway: 150, groups_claim: '', max_age: 0, not_before_leeway: 150,
      oidc_scopes: null, role_type: 'oidc', user_claim: '', user_claim_json_pointer: false, verbose_oidc_logging: false,
    };
  } else if (type === 'approle') {
    defaults = { bind_secret_id: true, local_secret_ids: false, secret_id_bound_cidrs: null, secret_id_num_uses: 0, secret_id_ttl: 0 };
  }
  return sortKeys({ ...defaults, ...TOKEN_DEFAULTS, ...fields });
}

/** An auth method config as Vault returns it; credentials are never returned. */
export function authConfigView(type: string, config: Json): Json {
  if (type === 'kubernetes') {
    const { token_reviewer_jwt: reviewer, ...rest } = config;
    return sortKeys({
      disable_iss_validation: true, disable_local_ca_jwt: false, issuer: '', kubernetes_ca_cert: '', kubernetes_host: '',
      pem_keys: [], token_reviewer_jwt_set: typeof reviewer === 'string' && reviewer.length > 0, use_annotations_as_alias_metadata: false, ...rest,
    });
  }
  if (type === 'jwt' || type === 'oidc') {
    const { oidc_client_secret: _secret, ...rest } = config;
    return sortKeys({
      bound_issuer: '', default_role: '', jwks_ca_pem: '', jwks_pairs: [], jwks_url: '', jwt_supported_algs: [], jwt_validation_pubkeys: [],
      namespace_in_state: true, oidc_client_id: '', oidc_discovery_ca_pem: '', oidc_discovery_url: '', oidc_response_mode: '',
      oidc_response_types: [], provider_config: {}, unsupported_critical_cert_extensions: [], ...rest,
    });
  }
  return sortKeys(config);
}

function sortKeys(obj: Json): Json {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => a.localeCompare(b)));
}

const BASE_TIME_MS = Date.parse('2026-01-01T00:00:00Z');

export function versionTimes(v: VaultStateSecretVersion, index: number): { created: string; deletion: string } {
  const created = v.created_time ?? new Date(BASE_TIME_MS + index * 3_600_000).toISOString().replace('.000Z', 'Z');
  const deletion = v.deleted ? (v.deletion_time ?? new Date(BASE_TIME_MS + index * 3_600_000 + 1_800_000).toISOString().replace('.000Z', 'Z')) : '';
  return { created, deletion };
}

/** Namespace-relative view of a state table: keys under `ns` (`ns1/`) with the prefix removed. */
export function inNamespace<T>(table: Record<string, T>, ns: string): Record<string, T> {
  if (!ns) return table;
  return Object.fromEntries(Object.entries(table).filter(([k]) => k.startsWith(ns)).map(([k, v]) => [k.slice(ns.length), v]));
}
