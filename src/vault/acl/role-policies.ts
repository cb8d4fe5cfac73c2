// The token policies a login gets from a role: tokenutil (token_policies, legacy `policies`,
// token_no_default_policy) followed by policyutil.SanitizePolicies in LoginCreateToken.

function toList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(',');
  return undefined;
}

// Role facts are cached and never changed: their policy list is worked out once per role object.
const byRole = new WeakMap<Record<string, unknown>, { names: string[]; noDefaultPolicy: boolean }>();

/** The role's policy names (sorted, `default` added unless the role opts out); callers must not change the list. */
export function policiesFromRole(role: Record<string, unknown>): { names: string[]; noDefaultPolicy: boolean } {
  let policies = byRole.get(role);
  if (!policies) byRole.set(role, (policies = Object.freeze(computePolicies(role)) as { names: string[]; noDefaultPolicy: boolean }));
  return policies;
}

function computePolicies(role: Record<string, unknown>): { names: string[]; noDefaultPolicy: boolean } {
  const noDefaultPolicy = role.token_no_default_policy === true || role.token_no_default_policy === 'true';
  const tokenPolicies = toList(role.token_policies);
  const raw = tokenPolicies && tokenPolicies.length > 0 ? tokenPolicies : (toList(role.policies) ?? []);
  let names = raw.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (names.includes('root')) return { names: ['root'], noDefaultPolicy };
  if (!noDefaultPolicy) names.push('default');
  names = [...new Set(names)].sort();
  return { names, noDefaultPolicy };
}
