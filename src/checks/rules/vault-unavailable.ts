// A fact that could not be obtained is never a verdict on the manifest: it becomes a
// "could not check" entry (decided by failOpen/failClosed) and a warning.
import type { Fact } from '../../vault/facts.js';
import type { Finding } from '../finding.js';

export type UnavailableFact = Exclude<Fact<unknown>, { status: 'ok' } | { status: 'not_found' }>;

export function isUnavailable<T>(fact: Fact<T>): fact is Exclude<Fact<T>, { status: 'ok' } | { status: 'not_found' }> {
  return fact.status !== 'ok' && fact.status !== 'not_found';
}

export function unavailableReason(fact: UnavailableFact): string {
  switch (fact.status) {
    case 'sealed':
      return `Vault is sealed (${fact.source})`;
    case 'timeout':
      return `Vault did not answer in time (${fact.source})`;
    case 'unavailable':
      return `Vault is unavailable (${fact.source}: ${fact.detail})`;
    case 'forbidden':
      return `the webhook's own Vault identity may not read ${fact.source} (${fact.detail})`;
    case 'not_configured':
      return `the webhook has no login configured for Vault server "${fact.server}"`;
  }
}

export function vaultUnavailableFinding(field: string, fact: UnavailableFact): Finding {
  return {
    code: 'VaultUnavailable',
    severity: 'warning',
    field,
    message: `Not checked against Vault: ${unavailableReason(fact)}.`,
    hint:
      fact.status === 'not_configured'
        ? 'Add this server to the webhook\'s Vault configuration, or correct spec.provider.vault.server.'
        : fact.status === 'forbidden'
          ? 'Grant the webhook\'s Vault role read on this path (see the deployment docs).'
          : 'Retry when Vault is reachable.',
  };
}
