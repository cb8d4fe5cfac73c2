// The `vault` section: how the webhook reaches and logs in to each Vault server, its time budgets,
// cache lifetimes, circuit breaker, retries and each object's share of Vault.

const text = { type: 'string', minLength: 1 } as const;
const ms = { type: 'integer', minimum: 0 } as const;
const httpUrl = { type: 'string', pattern: '^https?://' } as const;

/** File-based logins only: a token held in memory (`check --vault-token`) cannot be configured. */
const login = {
  type: 'object',
  description:
    'How the webhook logs in: method kubernetes or jwt (mountPath, role, tokenFile: re-read at every login, so projected-token rotation works), approle (mountPath, roleId, secretIdFile) or token (tokenFile).',
  discriminator: { propertyName: 'method' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'mountPath', 'role', 'tokenFile'],
      properties: { method: { enum: ['kubernetes', 'jwt'] }, mountPath: text, role: text, tokenFile: text },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'mountPath', 'roleId', 'secretIdFile'],
      properties: { method: { const: 'approle' }, mountPath: text, roleId: text, secretIdFile: text },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'tokenFile'],
      properties: { method: { const: 'token' }, tokenFile: text },
    },
  ],
} as const;

const server = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'login'],
  properties: {
    url: { ...httpUrl, description: 'The server as stores write spec.provider.vault.server (trailing slash and default port normalised).' },
    address: { ...httpUrl, description: 'Where to connect, when it differs from url (an in-cluster Service); url stays the name stores use.' },
    caFile: { ...text, description: "PEM CA bundle of Vault's certificate (read at start)." },
    namespace: { type: 'string', description: "Vault Enterprise namespace of the webhook's own login (a store's namespace overrides it per lookup)." },
    valueReadMounts: {
      type: 'array',
      items: { type: 'string', minLength: 1, pattern: '^[^?#]+$' },
      default: [],
      description:
        'KV mounts (secret/, kv/dev/) whose secret values the webhook may read, for the checks the key structure cannot decide (a property indexing into an array or a JSON string, KV v1). Default none: KV v2 structure comes from subkeys, which returns no values.',
    },
    login,
  },
} as const;

export const vaultSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'How the webhook reaches and logs in to each Vault server.',
  properties: {
    servers: {
      type: 'array',
      items: server,
      default: [],
      description: 'The Vault servers stores may name. A store naming a server that is not listed gets VaultUnavailable ("no login configured"), never a denial.',
    },
    requestTimeoutMs: { type: 'integer', minimum: 1, default: 2000, description: 'Upper bound of one HTTP request; the admission deadline shortens it further.' },
    metadataOnly: { type: 'boolean', default: false, description: 'Never read secret data paths; property checks then become NotVerifiable.' },
    cache: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'How long Vault facts are reused.',
      properties: {
        policyTtlMs: { ...ms, default: 60000, description: 'Policies.' },
        roleTtlMs: { ...ms, default: 60000, description: 'Auth roles.' },
        mountTtlMs: { ...ms, default: 300000, description: 'Secret engine and auth mounts.' },
        secretTtlMs: { ...ms, default: 10000, description: 'Secret existence and shape, KV metadata and LIST answers.' },
        negativeTtlMs: { ...ms, default: 3000, description: 'not_found and forbidden answers (shortest: a fix should be seen quickly).' },
        maxEntries: { ...ms, default: 10000, description: 'Entries kept in all.' },
      },
    },
    breaker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The circuit breaker of each server.',
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: 3, description: 'Consecutive connection failures or timeouts that open the breaker.' },
        openMs: { ...ms, default: 5000, description: 'How long the breaker stays open (lookups fail fast) before one probe is let through.' },
      },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Retries of idempotent reads after a connection error (never after an HTTP answer or a timeout).',
      properties: {
        maxRetries: { ...ms, default: 2, description: 'Extra attempts.' },
        backoffMs: { ...ms, default: 20, description: 'Pause before the first extra attempt.' },
      },
    },
    budget: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "Each checked object's share of Vault (docs/security.md).",
      properties: {
        lookupsPerObject: { type: 'integer', minimum: 1, default: 500, description: 'Vault lookups one object may cause.' },
        concurrencyPerObject: { type: 'integer', minimum: 1, default: 8, description: 'Lookups of one object in flight at once.' },
        concurrentLookups: { type: 'integer', minimum: 1, default: 64, description: 'Lookups in flight at once, all objects together.' },
      },
    },
    healthIntervalMs: { ...ms, default: 10000, description: "Interval of the sys/health probe feeding /readyz's vault entry (shown, never unready); 0 disables it." },
    loginRetryMs: { type: 'integer', minimum: 1, default: 5000, description: 'Pause between background login attempts while a server has no token.' },
  },
} as const;
