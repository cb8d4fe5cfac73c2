// Store-level checks that need no Vault answer, or only the store's own policies.
import type { IdentityPlan } from '../../eso/model.js';
import type { Finding } from '../finding.js';
import { describeStore, quoteList, type StoreLabel } from './describe.js';

export function insecureAddressFindings(server: string, field: string): Finding[] {
  if (!/^http:\/\//i.test(server.trim())) return [];
  return [
    {
      code: 'InsecureVaultAddress',
      severity: 'warning',
      field,
      message: `Vault server "${server}" is plain HTTP: login tokens and secret values cross this connection unencrypted.`,
      hint: 'Use an https:// address and give the store Vault\'s CA (caBundle or caProvider).',
    },
  ];
}

/** The identity ESO presents cannot be known without reading a credential the webhook must not read. */
export function notVerifiableIdentityFinding(args: {
  store: StoreLabel;
  identity: IdentityPlan;
  field: string;
  /** What follows from it, e.g. "policy coverage cannot be checked". */
  consequence: string;
}): Finding {
  const why = args.identity.notVerifiableReason ?? `${args.identity.method} auth needs a credential the webhook does not read`;
  return {
    code: 'NotVerifiable',
    severity: 'info',
    field: args.field,
    message: `${describeStore(args.store)} uses ${args.identity.method} auth (${why}), so ${args.consequence}.`,
  };
}

/** The role's policies grant nothing under the store's KV mount: every read through the store fails. */
export function nothingGrantedUnderMountFinding(args: {
  store: StoreLabel;
  field: string;
  mountPath: string;
  roleName: string;
  policyNames: string[];
}): Finding {
  return {
    code: 'PolicyDenied',
    severity: 'warning',
    field: args.field,
    message: `${describeStore(args.store)} logs in as role "${args.roleName}" (policies ${quoteList(args.policyNames)}), which grant nothing under "${args.mountPath}/"; every read through this store would be denied.`,
    hint: `Attach a policy granting read on "${args.mountPath}/data/…" (KV v2) or "${args.mountPath}/…" (KV v1) to the role, or check spec.provider.vault.path.`,
  };
}

/** ESO's store validation calls `auth/token/lookup-self`; without `read` there the store never becomes Ready. */
export function lookupSelfDeniedFinding(args: { store: StoreLabel; field: string; roleName: string; policyNames: string[] }): Finding {
  return {
    code: 'PolicyDenied',
    severity: 'warning',
    field: args.field,
    message: `${describeStore(args.store)} logs in as role "${args.roleName}" (policies ${quoteList(args.policyNames)}), which may not read auth/token/lookup-self; ESO's store validation calls it, so the store would stay not ready ("unable to validate store").`,
    hint: 'Attach Vault\'s default policy (unset token_no_default_policy on the role) or grant read on auth/token/lookup-self.',
  };
}
