// The identity a login creates, in AclIdentity form, so templated policies can be expanded the
// way Vault expands them for the webhook's (or ESO's) token. Facts: auth-binding.md §2.1 step 6/9
// (kubernetes) and §3.1 step 8/10 (jwt). Entity id/name and groups are Vault-generated and unknown
// offline, so they are left out: templates needing them stay unresolved instead of guessed.
import type { AclIdentity } from './types.js';

type Alias = NonNullable<NonNullable<AclIdentity['entity']>['aliases']>[number];

export function kubernetesLoginIdentity(args: {
  mountAccessor: string;
  role: Record<string, unknown>;
  serviceAccount: { name: string; namespace: string; uid?: string; secretName?: string };
}): AclIdentity {
  const { name, namespace, uid, secretName } = args.serviceAccount;
  const source = typeof args.role.alias_name_source === 'string' && args.role.alias_name_source !== '' ? args.role.alias_name_source : 'serviceaccount_uid';
  // An unknown UID leaves the alias name empty, which Vault's templating treats as "no value".
  const aliasName = source === 'serviceaccount_name' ? `${namespace}/${name}` : (uid ?? '');
  const metadata: Record<string, string> = { service_account_name: name, service_account_namespace: namespace };
  if (uid !== undefined) metadata.service_account_uid = uid;
  if (secretName !== undefined) metadata.service_account_secret_name = secretName;
  const alias: Alias = { mount_accessor: args.mountAccessor, mount_type: 'kubernetes', name: aliasName, metadata };
  return { entity: { aliases: [alias] } };
}

/** A claim by plain name, or by JSON pointer when the key starts with `/` (or `usePointer`). */
function claimValue(claims: Record<string, unknown>, key: string, usePointer: boolean): unknown {
  if (!usePointer && !key.startsWith('/')) return claims[key];
  let cur: unknown = claims;
  for (const raw of key.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export function jwtLoginIdentity(args: {
  mountAccessor: string;
  role: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** The role's name: Vault adds it to the alias metadata as `role`. */
  roleName?: string;
}): AclIdentity {
  const userClaim = typeof args.role.user_claim === 'string' ? args.role.user_claim : '';
  const usePointer = args.role.user_claim_json_pointer === true;
  const user = userClaim ? claimValue(args.claims, userClaim, usePointer) : undefined;
  const metadata: Record<string, string> = {};
  const mappings = args.role.claim_mappings;
  if (mappings && typeof mappings === 'object') {
    for (const [claim, target] of Object.entries(mappings as Record<string, unknown>)) {
      const v = claimValue(args.claims, claim, false);
      // Missing claims are skipped; a non-string claim fails the login, so nothing is known.
      if (typeof v === 'string' && typeof target === 'string') metadata[target] = v;
    }
  }
  if (args.roleName !== undefined) metadata.role = args.roleName;
  const alias: Alias = { mount_accessor: args.mountAccessor, mount_type: 'jwt', name: typeof user === 'string' ? user : '', metadata };
  return { entity: { aliases: [alias] } };
}
