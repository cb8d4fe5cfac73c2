// Configuration of the webhook's Vault client: servers with their own login, time budgets,
// cache lifetimes and the circuit breaker. `parseVaultConfig` validates with ajv and fills defaults.
import { Ajv } from 'ajv';
import { DEFAULT_BUDGET, type BudgetLimits } from './request-budget.js';

export type VaultLoginConfig =
  | { method: 'kubernetes'; mountPath: string; role: string; tokenFile: string }
  | { method: 'jwt'; mountPath: string; role: string; tokenFile: string }
  | { method: 'approle'; mountPath: string; roleId: string; secretIdFile: string }
  | { method: 'token'; tokenFile: string }
  /** A token held in memory (`check --vault-token` / $VAULT_TOKEN); config files cannot name it (the schema admits file logins only). */
  | { method: 'inline-token'; token: string };

export interface VaultServerConfig {
  /** As stores name it in `spec.provider.vault.server`; matched after normalising (trailing slash, default port). */
  url: string;
  /** Where to connect when it differs from `url` (an in-cluster Service, a test double); `url` stays the name stores use. */
  address?: string;
  /** PEM file with the CA bundle that signed Vault's certificate (re-read at start only). */
  caFile?: string;
  /** Vault Enterprise namespace of the webhook's own login (a store's namespace overrides it per lookup). */
  namespace?: string;
  login: VaultLoginConfig;
  /**
   * KV mounts (`secret/`, `kv/dev/`) whose secret *values* the webhook may read, for the checks the
   * key structure cannot decide (a property indexing into an array or a JSON string, KV v1 secrets).
   * Empty by default: KV v2 structure comes from `subkeys`, which returns no values.
   */
  valueReadMounts?: string[];
}

export interface VaultCacheConfig {
  policyTtlMs: number;
  roleTtlMs: number;
  mountTtlMs: number;
  /** Secret existence/shape, KV metadata and LIST answers. */
  secretTtlMs: number;
  /** not_found and forbidden answers (shortest: a fix should be seen quickly). */
  negativeTtlMs: number;
  maxEntries: number;
}

export interface VaultBreakerConfig {
  /** Consecutive connection failures/timeouts that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before one half-open probe is let through. */
  openMs: number;
}

export interface VaultRetryConfig {
  /** Extra attempts for an idempotent read after a connection error (never after an HTTP answer or a timeout). */
  maxRetries: number;
  backoffMs: number;
}

export interface VaultClientConfig {
  servers: VaultServerConfig[];
  /** Upper bound for one HTTP request; the admission deadline shortens it further. */
  requestTimeoutMs: number;
  /** Never read secret data paths (existence/shape checks then rely on metadata only). */
  metadataOnly: boolean;
  cache: VaultCacheConfig;
  breaker: VaultBreakerConfig;
  retry?: VaultRetryConfig;
  /** Interval of the `sys/health` probe feeding readiness; 0 disables the periodic probe. */
  healthIntervalMs?: number;
  /** Delay between background login attempts while a server has no token. */
  loginRetryMs?: number;
  /** Each checked object's share of Vault (see request-budget.ts). */
  budget?: Partial<BudgetLimits>;
}

export const DEFAULT_CACHE: VaultCacheConfig = {
  policyTtlMs: 60_000,
  roleTtlMs: 60_000,
  mountTtlMs: 300_000,
  secretTtlMs: 10_000,
  negativeTtlMs: 3_000,
  maxEntries: 10_000,
};
export const DEFAULT_BREAKER: VaultBreakerConfig = { failureThreshold: 3, openMs: 5_000 };
export const DEFAULT_RETRY: VaultRetryConfig = { maxRetries: 2, backoffMs: 20 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
export const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
export const DEFAULT_LOGIN_RETRY_MS = 5_000;

const nonEmpty = { type: 'string', minLength: 1 } as const;
const positiveInt = { type: 'integer', minimum: 0 } as const;

export const vaultConfigSchema = {
  $id: 'eso-vault-guard/vault-config',
  type: 'object',
  additionalProperties: false,
  required: ['servers'],
  properties: {
    servers: {
      type: 'array',
      minItems: 0,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'login'],
        properties: {
          url: { type: 'string', pattern: '^https?://' },
          address: { type: 'string', pattern: '^https?://' },
          caFile: nonEmpty,
          namespace: { type: 'string' },
          valueReadMounts: { type: 'array', items: { type: 'string', minLength: 1, pattern: '^[^?#]+$' }, default: [] },
          login: {
            oneOf: [
              {
                type: 'object', additionalProperties: false, required: ['method', 'mountPath', 'role', 'tokenFile'],
                properties: { method: { enum: ['kubernetes', 'jwt'] }, mountPath: nonEmpty, role: nonEmpty, tokenFile: nonEmpty },
              },
              {
                type: 'object', additionalProperties: false, required: ['method', 'mountPath', 'roleId', 'secretIdFile'],
                properties: { method: { const: 'approle' }, mountPath: nonEmpty, roleId: nonEmpty, secretIdFile: nonEmpty },
              },
              {
                type: 'object', additionalProperties: false, required: ['method', 'tokenFile'],
                properties: { method: { const: 'token' }, tokenFile: nonEmpty },
              },
            ],
          },
        },
      },
    },
    requestTimeoutMs: { type: 'integer', minimum: 1, default: DEFAULT_REQUEST_TIMEOUT_MS },
    metadataOnly: { type: 'boolean', default: false },
    cache: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: Object.fromEntries(
        Object.entries(DEFAULT_CACHE).map(([k, v]) => [k, { ...positiveInt, default: v }]),
      ),
    },
    breaker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: DEFAULT_BREAKER.failureThreshold },
        openMs: { ...positiveInt, default: DEFAULT_BREAKER.openMs },
      },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxRetries: { ...positiveInt, default: DEFAULT_RETRY.maxRetries },
        backoffMs: { ...positiveInt, default: DEFAULT_RETRY.backoffMs },
      },
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        lookupsPerObject: { type: 'integer', minimum: 1, default: DEFAULT_BUDGET.lookupsPerObject },
        concurrencyPerObject: { type: 'integer', minimum: 1, default: DEFAULT_BUDGET.concurrencyPerObject },
        concurrentLookups: { type: 'integer', minimum: 1, default: DEFAULT_BUDGET.concurrentLookups },
      },
    },
    healthIntervalMs: { ...positiveInt, default: DEFAULT_HEALTH_INTERVAL_MS },
    loginRetryMs: { type: 'integer', minimum: 1, default: DEFAULT_LOGIN_RETRY_MS },
  },
} as const;

const validate = new Ajv({ useDefaults: true, allErrors: true }).compile(vaultConfigSchema);

export class VaultConfigError extends Error {}

/** Validates a config object (e.g. parsed from YAML) and fills defaults. Throws VaultConfigError listing every problem. */
export function parseVaultConfig(input: unknown): VaultClientConfig {
  const copy = structuredClone(input);
  if (!validate(copy)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
    throw new VaultConfigError(`invalid Vault configuration: ${problems.join('; ')}`);
  }
  return copy as unknown as VaultClientConfig;
}

const normalisedUrls = new Map<string, string>();
const MAX_NORMALISED_URLS = 1_000;

/** Canonical form of a server URL so `https://vault:8200/` and `https://VAULT:8200` name the same server. */
export function normaliseServerUrl(url: string): string {
  // Called for every fact lookup with the few server names stores use: parse each once.
  let normalised = normalisedUrls.get(url);
  if (normalised === undefined) {
    normalised = parseServerUrl(url);
    if (normalisedUrls.size >= MAX_NORMALISED_URLS) normalisedUrls.clear();
    normalisedUrls.set(url, normalised);
  }
  return normalised;
}

function parseServerUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    const path = parsed.pathname.replace(/\/+$/, '');
    return `${parsed.protocol}//${parsed.host}${path}`.toLowerCase();
  } catch {
    return url.trim().replace(/\/+$/, '').toLowerCase();
  }
}
