// Could-not-check wording for `check` users: they act with command-line flags and their own token,
// not with the webhook's Vault configuration and role.
import type { UnavailableRemedies } from '../../checks/rules/vault-unavailable.js';

export const CHECK_REMEDIES: UnavailableRemedies = {
  notConfiguredReason: (server) => `no Vault address or login was given for server "${server}" (check sends credentials only to addresses you name)`,
  notConfigured:
    'Name where this server is reached: --vault-map SERVER=https://ADDR or --vault-addr https://ADDR (with --vault-token or $VAULT_TOKEN), or a --config whose vault.servers lists it; or correct spec.provider.vault.server.',
  forbiddenReason: (source, detail) => `the Vault token used by check may not read ${source} (${detail})`,
  forbidden: 'Use a token with the webhook\'s read-only policy (deploy/vault/eso-vault-guard-policy.hcl) in --vault-token or $VAULT_TOKEN.',
  retry: 'Retry when Vault is reachable, or raise --timeout-ms.',
};
