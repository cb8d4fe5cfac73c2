// Configuration of the webhook's Vault client: servers with their own login, time budgets,
// cache lifetimes and the circuit breaker. The file's `vault` section is declared (schema, defaults,
// docs) in src/config/sections/vault.ts; these types are derived from it.
import { ConfigError, configDefaults, validateSection, type VaultSectionConfig } from '../config/index.js';
import type { BudgetLimits } from './request-budget.js';

type FileServer = VaultSectionConfig['servers'][number];

export type VaultLoginConfig =
  | FileServer['login']
  /** A token held in memory (`check --vault-token` / $VAULT_TOKEN); config files cannot name it (the schema admits file logins only). */
  | { method: 'inline-token'; token: string };

export type VaultServerConfig = Omit<FileServer, 'login' | 'valueReadMounts'> & {
  login: VaultLoginConfig;
  /** KV mounts whose secret values may be read (see the schema); none when absent. */
  valueReadMounts?: string[];
};

export type VaultCacheConfig = VaultSectionConfig['cache'];
export type VaultBreakerConfig = VaultSectionConfig['breaker'];
export type VaultRetryConfig = VaultSectionConfig['retry'];

/** What the client accepts: the file's section, or one built in code (which may leave the later options to their defaults). */
export type VaultClientConfig = Omit<VaultSectionConfig, 'servers' | 'retry' | 'healthIntervalMs' | 'loginRetryMs' | 'budget'> & {
  servers: VaultServerConfig[];
  retry?: VaultRetryConfig;
  /** Interval of the `sys/health` probe feeding readiness; 0 disables the periodic probe. */
  healthIntervalMs?: number;
  /** Delay between background login attempts while a server has no token. */
  loginRetryMs?: number;
  /** Each checked object's share of Vault (see request-budget.ts). */
  budget?: Partial<BudgetLimits>;
};

const DEFAULTS = configDefaults()['vault'] as VaultSectionConfig;
export const DEFAULT_CACHE: VaultCacheConfig = DEFAULTS.cache;
export const DEFAULT_BREAKER: VaultBreakerConfig = DEFAULTS.breaker;
export const DEFAULT_RETRY: VaultRetryConfig = DEFAULTS.retry;
export const DEFAULT_REQUEST_TIMEOUT_MS = DEFAULTS.requestTimeoutMs;
export const DEFAULT_HEALTH_INTERVAL_MS = DEFAULTS.healthIntervalMs;
export const DEFAULT_LOGIN_RETRY_MS = DEFAULTS.loginRetryMs;

export class VaultConfigError extends Error {}

/** Validates a `vault` section built in code (e.g. parsed from YAML) against the config schema and fills defaults. Throws VaultConfigError listing every problem. */
export function parseVaultConfig(input: unknown): VaultClientConfig {
  try {
    return validateSection('vault', input);
  } catch (err) {
    if (err instanceof ConfigError) throw new VaultConfigError(`invalid Vault configuration: ${err.problems.join('; ')}`);
    throw err;
  }
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
