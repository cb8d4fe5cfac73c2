import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAcl, evaluateAcl, isOperationAllowed, suggestStanza } from '../../src/vault/acl/index.js';
import type { AclIdentity } from '../../src/vault/acl/types.js';
import type { VaultRequestPlan } from '../../src/eso/model.js';
import { policyCoverage } from '../../src/checks/rules/policy-coverage.js';

function request(path: string, capability: 'read' | 'list' = 'read'): VaultRequestPlan {
  return { purpose: capability === 'read' ? 'data' : 'list', logicalPath: path, httpPath: `/v1/${path}`, capability, field: 'spec.data[0].remoteRef.key' };
}

function verdict(policies: Record<string, string>, path: string, identity?: AclIdentity, capability: 'read' | 'list' = 'read', targetPolicy?: string) {
  const acl = compileAcl(Object.entries(policies).map(([name, text]) => ({ name, text })), identity);
  const evaluation = evaluateAcl(acl, path);
  return policyCoverage({
    request: request(path, capability),
    aclPath: path,
    evaluation,
    allowed: isOperationAllowed(evaluation, capability),
    stanza: suggestStanza(path, capability),
    store: { kind: 'ClusterSecretStore', name: 'vault-example-api' },
    roleName: 'external-secrets-example-api',
    authMountPath: 'kubernetes',
    policyNames: Object.keys(policies),
    ...(targetPolicy ? { targetPolicy } : {}),
  });
}

const API = 'path "secret/data/example-api/*" {\n  capabilities = ["read"]\n}\n';

test('allowed request: no finding', () => {
  assert.equal(verdict({ 'example-api': API }, 'secret/data/example-api/env-file').verdict, 'allowed');
});

test('denied request: PolicyDenied names store, role, policies and the stanza to add', () => {
  const v = verdict({ 'example-api': API, default: '' }, 'secret/data/example-worker/config-file', undefined, 'read', 'example-api');
  assert.equal(v.verdict, 'denied');
  const f = v.findings[0];
  assert.equal(f?.code, 'PolicyDenied');
  assert.match(f?.message ?? '', /role "external-secrets-example-api"/);
  assert.match(f?.message ?? '', /no rule in these policies matches/);
  assert.match(f?.hint ?? '', /add to policy "example-api": path "secret\/data\/example-worker\/config-file" \{ capabilities = \["read"\] \}/);
  assert.doesNotMatch(f?.hint ?? '', /\n/);
  // Without a single own policy to name (shared or templated policies), the role is named instead.
  const generic = verdict({ 'example-api': API }, 'secret/data/example-worker/config-file');
  assert.match(generic.findings[0]?.hint ?? '', /add to a policy of role "external-secrets-example-api": path/);
});

test('a matching rule without the capability, and an explicit deny, are named', () => {
  const listOnly = verdict({ p: 'path "secret/data/*" {\n  capabilities = ["list"]\n}\n' }, 'secret/data/app');
  assert.match(listOnly.findings[0]?.message ?? '', /path "secret\/data\/\*" in policy "p"/);
  const denied = verdict({ p: 'path "secret/data/*" {\n  capabilities = ["read"]\n}\n', q: 'path "secret/data/app" {\n  capabilities = ["deny"]\n}\n' }, 'secret/data/app');
  assert.match(denied.findings[0]?.message ?? '', /denies it/);
});

test('the verdict depends on the path and policies only (identical text for any secret state)', () => {
  const a = verdict({ 'example-api': API }, 'secret/data/team-b/payroll');
  const b = verdict({ 'example-api': API }, 'secret/data/team-b/payroll');
  assert.deepEqual(a, b);
});

test('unresolvable templates make a denial NotVerifiable, never PolicyDenied', () => {
  const templated = 'path "secret/data/{{identity.entity.aliases.auth_kubernetes_x.name}}/*" {\n  capabilities = ["read"]\n}\n';
  const v = verdict({ t: templated }, 'secret/data/some-uid/app', { entity: { aliases: [{ mount_accessor: 'auth_kubernetes_x', name: '' }] } });
  assert.equal(v.verdict, 'unknown');
  assert.deepEqual(v.findings.map((f) => [f.code, f.severity]), [['NotVerifiable', 'info']]);
});

test('templated policy resolved from the login identity grants the team path', () => {
  const templated =
    'path "secret/data/{{identity.entity.aliases.auth_kubernetes_x.metadata.service_account_namespace}}/*" {\n  capabilities = ["read"]\n}\n';
  const identity: AclIdentity = { entity: { aliases: [{ mount_accessor: 'auth_kubernetes_x', name: '', metadata: { service_account_namespace: 'team-a' } }] } };
  assert.equal(verdict({ t: templated }, 'secret/data/team-a/db', identity).verdict, 'allowed');
  assert.equal(verdict({ t: templated }, 'secret/data/team-b/db', identity).verdict, 'denied');
});
