// A fact that could not be obtained is never a verdict on the manifest: it becomes a
// "could not check" entry (decided by failOpen/failClosed) and a warning.
import type { Fact } from '../../vault/facts.js';
import type { Finding } from '../finding.js';

export type UnavailableFact = Exclude<Fact<unknown>, { status: 'ok' } | { status: 'not_found' }>;

export function isUnavailable<T>(fact: Fact<T>): fact is Exclude<Fact<T>, { status: 'ok' } | { status: 'not_found' }> {
  return fact.status !== 'ok' && fact.status !== 'not_found';
}

/**
 * The wording that depends on who reads a could-not-check: the webhook's operators (its Vault
 * configuration and role) or a `check` user (command-line flags and their own token).
 */
export interface UnavailableRemedies {
  notConfiguredReason(server: string): string;
  notConfigured: string;
  forbiddenReason(source: string, detail: string): string;
  forbidden: string;
  retry: string;
}

export const WEBHOOK_REMEDIES: UnavailableRemedies = {
  notConfiguredReason: (server) => `the webhook has no login configured for Vault server "${server}"`,
  notConfigured: 'Add this server to the webhook\'s Vault configuration, or correct spec.provider.vault.server.',
  forbiddenReason: (source, detail) => `the webhook's own Vault identity may not read ${source} (${detail})`,
  forbidden: 'Grant the webhook\'s Vault role read on this path (see the deployment docs).',
  retry: 'Retry when Vault is reachable.',
};

export function unavailableReason(fact: UnavailableFact, remedies: UnavailableRemedies = WEBHOOK_REMEDIES): string {
  switch (fact.status) {
    case 'sealed':
      return `Vault is sealed (${fact.source})`;
    case 'timeout':
      return `Vault did not answer in time (${fact.source})`;
    case 'unavailable':
      return `Vault is unavailable (${fact.source}: ${fact.detail})`;
    case 'forbidden':
      return remedies.forbiddenReason(fact.source, fact.detail);
    case 'not_configured':
      return remedies.notConfiguredReason(fact.server);
    case 'skipped':
      if (fact.reason === 'offline') return `offline: ${fact.source} was not asked`;
      return fact.reason === 'budget' ? `the object's budget of Vault lookups was spent before ${fact.source}` : `the deadline passed before ${fact.source} was sent`;
  }
}

export function vaultUnavailableFinding(field: string, fact: UnavailableFact, remedies: UnavailableRemedies = WEBHOOK_REMEDIES): Finding {
  return {
    code: 'VaultUnavailable',
    severity: 'warning',
    field,
    message: `Not checked against Vault: ${unavailableReason(fact, remedies)}.`,
    hint: fact.status === 'not_configured' ? remedies.notConfigured : fact.status === 'forbidden' ? remedies.forbidden : remedies.retry,
  };
}
