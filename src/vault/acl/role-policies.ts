// The token policies a login gets from a role: tokenutil (token_policies, legacy `policies`,
// token_no_default_policy) followed by policyutil.SanitizePolicies in LoginCreateToken.

function toList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(',');
  return undefined;
}

export function policiesFromRole(role: Record<string, unknown>): { names: string[]; noDefaultPolicy: boolean } {
  const noDefaultPolicy = role.token_no_default_policy === true || role.token_no_default_policy === 'true';
  const tokenPolicies = toList(role.token_policies);
  const raw = tokenPolicies && tokenPolicies.length > 0 ? tokenPolicies : (toList(role.policies) ?? []);
  let names = raw.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (names.includes('root')) return { names: ['root'], noDefaultPolicy };
  if (!noDefaultPolicy) names.push('default');
  names = [...new Set(names)].sort();
  return { names, noDefaultPolicy };
}
