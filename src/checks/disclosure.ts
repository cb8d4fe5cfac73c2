// The one place that decides how much a check may reveal (issue "no oracle").
//
// `store-identity` (the webhook): an author learns only what the identity behind the referenced
// store could learn from Vault itself. `operator` (the `check` CLI run with a person's own Vault
// token): the person can read Vault directly, so findings may say more.
export type Trust = 'store-identity' | 'operator';

export interface Disclosure {
  /** Report existence, versions and keys of a path the store's identity may not read (next to PolicyDenied). */
  secretStateBeyondPolicy: boolean;
  /** Quote a role's bound values (names, namespaces, audiences, claims) in binding findings. */
  roleDefinition: boolean;
  /** Report KV mount existence and version for a store whose policies grant nothing under the mount. */
  mountBeyondPolicy: boolean;
  /** Check existence and properties when the store's identity cannot be known (token auth, ...). */
  secretStateForUnknownIdentity: boolean;
}

export function disclosureFor(trust: Trust): Disclosure {
  const operator = trust === 'operator';
  return {
    secretStateBeyondPolicy: operator,
    roleDefinition: operator,
    mountBeyondPolicy: operator,
    secretStateForUnknownIdentity: operator,
  };
}
