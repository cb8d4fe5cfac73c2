import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityPlan } from '../../src/eso/model.js';
import { roleBindingFindings, type RoleBindingInput } from '../../src/checks/rules/role-binding.js';

const DEFAULT_AUD = ['https://kubernetes.default.svc.cluster.local'];

function k8sIdentity(name: string, namespace: string, audiences: string[] = []): IdentityPlan {
  return {
    method: 'kubernetes',
    authMountPath: 'kubernetes',
    role: 'eso',
    serviceAccount: { name, namespace, audiences, source: 'serviceAccountRef' },
    verifiable: true,
  };
}

function input(identity: IdentityPlan, role: Record<string, unknown>, extra: Partial<RoleBindingInput> = {}): RoleBindingInput {
  return {
    store: { kind: 'ClusterSecretStore', name: 'vault' },
    authField: `spec.provider.vault.auth.${identity.method}`,
    identity,
    authMountPath: identity.authMountPath ?? 'kubernetes',
    roleName: 'eso',
    role,
    defaultAudiences: DEFAULT_AUD,
    revealRoleDefinition: false,
    ...extra,
  };
}

test('kubernetes: bound names and namespaces with globs accept the ServiceAccount', () => {
  const role = { bound_service_account_names: ['external-*'], bound_service_account_namespaces: ['*-system', 'external-secrets'] };
  assert.deepEqual(roleBindingFindings(input(k8sIdentity('external-secrets', 'external-secrets'), role)), []);
  assert.deepEqual(roleBindingFindings(input(k8sIdentity('external-secrets', 'eso-system'), role)), []);
  assert.deepEqual(roleBindingFindings(input(k8sIdentity('x', 'y'), { bound_service_account_names: ['*'], bound_service_account_namespaces: ['*'] })), []);
});

test('kubernetes: wrong name and wrong namespace each give Vault\'s error text and a field', () => {
  const role = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'] };
  const findings = roleBindingFindings(input(k8sIdentity('default', 'team-a'), role));
  assert.deepEqual(findings.map((f) => f.code), ['RoleBindingMismatch', 'RoleBindingMismatch']);
  assert.equal(findings[0]?.field, 'spec.provider.vault.auth.kubernetes.serviceAccountRef.name');
  assert.match(findings[0]?.message ?? '', /service account name not authorized/);
  assert.equal(findings[1]?.field, 'spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace');
  assert.match(findings[1]?.message ?? '', /namespace not authorized/);
  // Role definitions are not quoted unless the store may read the role.
  assert.doesNotMatch(findings[1]?.message ?? '', /binds namespaces/);
  const revealed = roleBindingFindings(input(k8sIdentity('default', 'team-a'), role, { revealRoleDefinition: true }));
  assert.match(revealed[1]?.message ?? '', /binds namespaces "external-secrets"/);
});

test('kubernetes: a middle * in a bound name is literal, like Vault', () => {
  const role = { bound_service_account_names: ['ext*secrets'], bound_service_account_namespaces: ['*'] };
  assert.equal(roleBindingFindings(input(k8sIdentity('external-secrets', 'a'), role)).length, 1);
});

test('kubernetes: audience must be in the token; no audiences means the API server default', () => {
  const role = { bound_service_account_names: ['*'], bound_service_account_namespaces: ['*'], audience: 'vault' };
  const noAud = roleBindingFindings(input(k8sIdentity('a', 'b'), role));
  assert.equal(noAud.length, 1);
  assert.match(noAud[0]?.message ?? '', /invalid audience/);
  assert.equal(roleBindingFindings(input(k8sIdentity('a', 'b', ['vault']), role)).length, 0);
  const defaultAud = { ...role, audience: DEFAULT_AUD[0] };
  assert.equal(roleBindingFindings(input(k8sIdentity('a', 'b'), defaultAud)).length, 0);
});

test('kubernetes: namespace selector is OR-ed with the list and matched on namespace labels', () => {
  const role = {
    bound_service_account_names: ['*'],
    bound_service_account_namespaces: ['other'],
    bound_service_account_namespace_selector: '{"matchLabels":{"vault-access":"yes"}}',
  };
  assert.equal(roleBindingFindings(input(k8sIdentity('a', 'team-a'), role, { serviceAccountNamespaceLabels: { 'vault-access': 'yes' } })).length, 0);
  assert.equal(roleBindingFindings(input(k8sIdentity('a', 'team-a'), role, { serviceAccountNamespaceLabels: {} }))[0]?.code, 'RoleBindingMismatch');
  // Labels unknown: not verifiable, never a denial.
  const unknown = roleBindingFindings(input(k8sIdentity('a', 'team-a'), role));
  assert.deepEqual(unknown.map((f) => [f.code, f.severity]), [['NotVerifiable', 'info']]);
});

function jwtIdentity(audiences: string[], namespace = 'team-a', name = 'eso'): IdentityPlan {
  return {
    method: 'jwt',
    authMountPath: 'jwt',
    role: 'eso',
    serviceAccount: { name, namespace, audiences, source: 'serviceAccountRef' },
    verifiable: true,
  };
}

test('jwt: role_type defaults to oidc, which cannot log in with a JWT', () => {
  const f = roleBindingFindings(input(jwtIdentity(['vault']), { bound_audiences: ['vault'], user_claim: 'sub' }));
  assert.equal(f.length, 1);
  assert.match(f[0]?.message ?? '', /role with oidc role_type is not allowed/);
});

test('jwt: audiences, subject, user_claim and bound claims', () => {
  const base = { role_type: 'jwt', user_claim: 'sub', bound_audiences: ['vault'] };
  assert.deepEqual(roleBindingFindings(input(jwtIdentity(['vault']), base)), []);
  assert.match(roleBindingFindings(input(jwtIdentity(['other']), base))[0]?.message ?? '', /invalid audience/);
  const noBound = roleBindingFindings(input(jwtIdentity(['vault']), { role_type: 'jwt', user_claim: 'sub', bound_subject: 'system:serviceaccount:team-a:eso' }));
  assert.match(noBound[0]?.message ?? '', /audience claim found in JWT but no audiences bound to the role/);
  assert.match(
    roleBindingFindings(input(jwtIdentity(['vault']), { ...base, bound_subject: 'system:serviceaccount:team-b:eso' }))[0]?.message ?? '',
    /invalid subject/,
  );
  assert.match(roleBindingFindings(input(jwtIdentity(['vault']), { ...base, user_claim: 'email' }))[0]?.message ?? '', /claim "email" not found in token/);
  assert.match(roleBindingFindings(input(jwtIdentity(['vault']), { ...base, user_claim: 'aud' }))[0]?.message ?? '', /could not be converted to string/);
  const globClaims = { ...base, bound_claims_type: 'glob', bound_claims: { '/kubernetes.io/namespace': ['team-*'] } };
  assert.deepEqual(roleBindingFindings(input(jwtIdentity(['vault']), globClaims)), []);
  assert.match(roleBindingFindings(input(jwtIdentity(['vault'], 'ops'), globClaims))[0]?.message ?? '', /does not match any associated bound claim values/);
  // String type compares exactly: a glob pattern is literal.
  const stringClaims = { ...base, bound_claims: { '/kubernetes.io/namespace': 'team-*' } };
  assert.equal(roleBindingFindings(input(jwtIdentity(['vault']), stringClaims)).length, 1);
  assert.match(
    roleBindingFindings(input(jwtIdentity(['vault']), { ...base, bound_claims: { groups: ['x'] } }))[0]?.message ?? '',
    /claim "groups" is missing/,
  );
  // A claim whose value is unknown before login (iss) is not verifiable, not a denial.
  const iss = roleBindingFindings(input(jwtIdentity(['vault']), { ...base, bound_claims: { iss: 'https://k8s' } }));
  assert.deepEqual(iss.map((f) => f.code), ['NotVerifiable']);
});
