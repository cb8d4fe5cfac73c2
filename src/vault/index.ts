// Public entry of the Vault layer (the ACL engine has its own entry in ./acl/index.js).
export { createVaultFacts, type VaultFactsService, type VaultFactsStats } from './vault-facts-service.js';
export {
  parseVaultConfig, normaliseServerUrl, VaultConfigError,
  DEFAULT_CACHE, DEFAULT_BREAKER, DEFAULT_RETRY, DEFAULT_REQUEST_TIMEOUT_MS,
  type VaultClientConfig, type VaultServerConfig, type VaultLoginConfig, type VaultCacheConfig, type VaultBreakerConfig, type VaultRetryConfig,
} from './config.js';
export * from './facts.js';
export { createOfflineFacts } from './offline-facts.js';
export { withChange, roleKey, type VaultChange } from './change-overlay.js';
export type { LoginFailure } from './server-session.js';
