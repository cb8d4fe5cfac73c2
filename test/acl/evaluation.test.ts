// Named behaviour cases of the ACL engine: priority, merge, deny, `+`, templates, default policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILTIN_DEFAULT_POLICY,
  compileAcl,
  evaluateAcl,
  hasMountAccess,
  isOperationAllowed,
  jwtLoginIdentity,
  kubernetesLoginIdentity,
  policiesFromRole,
  PolicyParseError,
  suggestStanza,
  type PolicySource,
} from '../../src/vault/acl/index.js';

const pol = (name: string, text: string): PolicySource => ({ name, text });
const evalPath = (policies: PolicySource[], path: string) => evaluateAcl(compileAcl(policies), path);

test('priority: an exact rule beats a glob, and the glob adds nothing to it', () => {
  const ps = [pol('a', 'path "secret/*" { capabilities = ["read"] }\npath "secret/foo" { capabilities = ["update"] }')];
  const e = evalPath(ps, 'secret/foo');
  assert.deepEqual(e.capabilities, ['update']);
  assert.equal(isOperationAllowed(e, 'read'), false, 'no union across different patterns');
  assert.deepEqual(e.decidedBy.map((d) => d.rule), ['secret/foo']);
  assert.equal(isOperationAllowed(evalPath(ps, 'secret/bar'), 'read'), true);
});

test('priority: the longest prefix wins', () => {
  const ps = [pol('a', 'path "kv/*" { capabilities = ["list"] }\npath "kv/data/app/*" { capabilities = ["read"] }')];
  const e = evalPath(ps, 'kv/data/app/db');
  assert.deepEqual(e.capabilities, ['read']);
  assert.deepEqual(e.decidedBy, [{ policy: 'a', rule: 'kv/data/app/*', capabilities: ['read'] }]);
  assert.deepEqual(evalPath(ps, 'kv/data/other').capabilities, ['list']);
  assert.deepEqual(evalPath(ps, 'kv/data/app').capabilities, ['list'], '`kv/data/app/*` does not cover `kv/data/app`');
});

test('priority: `+` rules against globs follow acl.go order', () => {
  const ps = [pol('a', 'path "kv/+/app/*" { capabilities = ["read"] }\npath "kv/data/*" { capabilities = ["list"] }')];
  // First wildcard: `+` at 3 vs glob at 8 → the glob is more specific.
  assert.deepEqual(evalPath(ps, 'kv/data/app/x').capabilities, ['list']);
  assert.deepEqual(evalPath(ps, 'kv/meta/app/x').capabilities, ['read']);
});

test('`+` matches exactly one segment (possibly empty), `+` patterns need the same segment count', () => {
  const ps = [pol('a', 'path "kv/data/+/config" { capabilities = ["read"] }')];
  assert.equal(isOperationAllowed(evalPath(ps, 'kv/data/team-a/config'), 'read'), true);
  assert.equal(isOperationAllowed(evalPath(ps, 'kv/data//config'), 'read'), true);
  assert.equal(isOperationAllowed(evalPath(ps, 'kv/data/a/b/config'), 'read'), false);
  assert.equal(isOperationAllowed(evalPath(ps, 'kv/data/team-a/config/x'), 'read'), false);
});

test('merge: the same path across policies is a union of capabilities', () => {
  const ps = [pol('p1', 'path "kv/data/x" { capabilities = ["read"] }'), pol('p2', 'path "kv/data/x" { capabilities = ["update"] }')];
  const e = evalPath(ps, 'kv/data/x');
  assert.deepEqual(e.capabilities, ['read', 'update']);
  assert.deepEqual(e.decidedBy.map((d) => d.policy), ['p1', 'p2']);
});

test('deny: a deny on the same key wins over grants from any policy, in any order', () => {
  for (const order of [0, 1]) {
    const ps = [pol('grant', 'path "kv/data/x" { capabilities = ["read", "list"] }'), pol('block', 'path "kv/data/x" { capabilities = ["deny"] }')];
    if (order) ps.reverse();
    const e = evalPath(ps, 'kv/data/x');
    assert.deepEqual(e.capabilities, ['deny']);
    assert.equal(isOperationAllowed(e, 'read'), false);
    assert.deepEqual(e.decidedBy.map((d) => d.policy), ['block']);
  }
});

test('deny: a deny glob does not beat a more specific grant', () => {
  const ps = [pol('a', 'path "secret/foo" { capabilities = ["read"] }'), pol('b', 'path "secret/*" { capabilities = ["deny"] }')];
  assert.equal(isOperationAllowed(evalPath(ps, 'secret/foo'), 'read'), true);
  assert.equal(isOperationAllowed(evalPath(ps, 'secret/bar'), 'read'), false);
});

test('an empty stanza matches and shadows less specific rules', () => {
  const ps = [pol('a', 'path "kv/*" { capabilities = ["read"] }\npath "kv/secret" {}')];
  const e = evalPath(ps, 'kv/secret');
  assert.deepEqual(e.capabilities, ['deny']);
  assert.deepEqual(e.decidedBy.map((d) => d.rule), ['kv/secret']);
});

test('no rule → implicit deny with an empty decidedBy and a suggestion', () => {
  const e = evalPath([pol('a', 'path "kv/data/a" { capabilities = ["read"] }')], 'kv/data/b');
  assert.deepEqual(e.capabilities, ['deny']);
  assert.deepEqual(e.decidedBy, []);
  assert.equal(suggestStanza('kv/data/b', 'read'), 'path "kv/data/b" {\n  capabilities = ["read"]\n}');
  assert.equal(suggestStanza('/kv/data/b', 'list', ['read']), 'path "kv/data/b" {\n  capabilities = ["read", "list"]\n}');
});

test('list uses the trailing-slash fallback; read does not', () => {
  const ps = [pol('a', 'path "kv/metadata/app" { capabilities = ["list"] }')];
  const e = evalPath(ps, 'kv/metadata/app/');
  assert.equal(isOperationAllowed(e, 'list'), true);
  assert.equal(isOperationAllowed(e, 'read'), false);
});

test('wrapping TTLs and required parameters refuse plain requests', () => {
  const ps = [pol('a', 'path "kv/data/w" {\n  capabilities = ["read"]\n  max_wrapping_ttl = "1h"\n}\npath "kv/data/r" {\n  capabilities = ["read"]\n  required_parameters = ["version"]\n}')];
  const w = evalPath(ps, 'kv/data/w');
  assert.deepEqual(w.capabilities, ['read']);
  assert.equal(isOperationAllowed(w, 'read'), false);
  assert.equal(isOperationAllowed(evalPath(ps, 'kv/data/r'), 'read'), false);
});

test('root policy allows everything and must be alone', () => {
  const e = evalPath([pol('root', '')], 'anything/at/all');
  assert.deepEqual(e.capabilities, ['root']);
  assert.equal(isOperationAllowed(e, 'delete'), true);
  assert.throws(() => compileAcl([pol('root', ''), pol('a', '')]), /other policies present along with root/);
});

test('templates: entity, alias and group directives; unresolvable stanzas are dropped and listed', () => {
  const ps = [
    pol(
      't',
      [
        'path "kv/data/{{identity.entity.name}}/*" { capabilities = ["read"] }',
        'path "kv/data/ns/{{identity.entity.aliases.auth_kubernetes_1.metadata.service_account_namespace}}/*" { capabilities = ["read"] }',
        'path "kv/data/group/{{identity.groups.names.devs.id}}" { capabilities = ["read"] }',
        'path "kv/data/miss/{{identity.entity.aliases.auth_other.name}}" { capabilities = ["read"] }',
        'path "kv/data/meta/{{ identity.entity.metadata.team }}" { capabilities = ["read"] }',
      ].join('\n'),
    ),
  ];
  const identity = {
    entity: {
      id: 'e-1',
      name: 'alice',
      metadata: { team: 'payments' },
      aliases: [{ mount_accessor: 'auth_kubernetes_1', name: 'uid-1', metadata: { service_account_namespace: 'team-a' } }],
    },
    groups: [{ id: 'g-1', name: 'devs' }],
  };
  const acl = compileAcl(ps, identity);
  for (const p of ['kv/data/alice/x', 'kv/data/ns/team-a/db', 'kv/data/group/g-1', 'kv/data/meta/payments']) {
    assert.equal(isOperationAllowed(evaluateAcl(acl, p), 'read'), true, p);
  }
  const e = evaluateAcl(acl, 'kv/data/alice/x');
  assert.deepEqual(e.unresolvedTemplates, [{ policy: 't', template: '{{identity.entity.aliases.auth_other.name}}' }]);
  assert.equal(e.decidedBy[0]?.template, 'kv/data/{{identity.entity.name}}/*');
});

test('templates: substituted `*`/`+` drop the stanza; `/` only with denySlashInTemplatedPaths', () => {
  const ps = [pol('t', 'path "kv/data/{{identity.entity.metadata.p}}/*" { capabilities = ["read"] }')];
  const star = compileAcl(ps, { entity: { metadata: { p: '*' } } });
  assert.equal(star.unresolvedTemplates.length, 1);
  const slash = { entity: { metadata: { p: 'a/b' } } };
  assert.equal(isOperationAllowed(evaluateAcl(compileAcl(ps, slash), 'kv/data/a/b/c'), 'read'), true);
  assert.equal(isOperationAllowed(evaluateAcl(compileAcl(ps, slash, { denySlashInTemplatedPaths: true }), 'kv/data/a/b/c'), 'read'), false);
});

test('default policy: built-in text parses, grants cubbyhole, and drops entity templates without an entity', () => {
  const acl = compileAcl([pol('default', BUILTIN_DEFAULT_POLICY)]);
  assert.equal(isOperationAllowed(evaluateAcl(acl, 'cubbyhole/foo'), 'create'), true);
  assert.equal(isOperationAllowed(evaluateAcl(acl, 'auth/token/lookup-self'), 'read'), true);
  assert.equal(isOperationAllowed(evaluateAcl(acl, 'identity/oidc/provider/p1/authorize'), 'update'), true);
  assert.equal(isOperationAllowed(evaluateAcl(acl, 'kv/data/anything'), 'read'), false);
  assert.deepEqual(
    acl.unresolvedTemplates.map((u) => u.template),
    ['{{identity.entity.id}}', '{{identity.entity.name}}'],
  );
  const withEntity = compileAcl([pol('default', BUILTIN_DEFAULT_POLICY)], { entity: { id: 'e1', name: 'n1' } });
  assert.equal(isOperationAllowed(evaluateAcl(withEntity, 'identity/entity/id/e1'), 'read'), true);
});

test('default policy: policiesFromRole attaches default unless token_no_default_policy', () => {
  assert.deepEqual(policiesFromRole({ token_policies: ['Team-A', 'base '] }), { names: ['base', 'default', 'team-a'], noDefaultPolicy: false });
  assert.deepEqual(policiesFromRole({ token_policies: ['a'], token_no_default_policy: true }), { names: ['a'], noDefaultPolicy: true });
  assert.deepEqual(policiesFromRole({ policies: 'x,y' }).names, ['default', 'x', 'y'], 'legacy `policies` when token_policies is unset');
  assert.deepEqual(policiesFromRole({ token_policies: [], policies: ['old'] }).names, ['default', 'old']);
  assert.deepEqual(policiesFromRole({ token_policies: ['a', 'root'] }).names, ['root']);
});

test('kubernetes login identity: alias name per alias_name_source, unknown values left out', () => {
  const sa = { name: 'app', namespace: 'team-a', uid: 'u-1' };
  const byUid = kubernetesLoginIdentity({ mountAccessor: 'auth_kubernetes_x', role: {}, serviceAccount: sa });
  assert.equal(byUid.entity?.aliases?.[0]?.name, 'u-1');
  assert.deepEqual(byUid.entity?.aliases?.[0]?.metadata, { service_account_name: 'app', service_account_namespace: 'team-a', service_account_uid: 'u-1' });
  const byName = kubernetesLoginIdentity({ mountAccessor: 'auth_kubernetes_x', role: { alias_name_source: 'serviceaccount_name' }, serviceAccount: { name: 'app', namespace: 'team-a' } });
  assert.equal(byName.entity?.aliases?.[0]?.name, 'team-a/app');
  const ps = [pol('t', 'path "kv/data/{{identity.entity.aliases.auth_kubernetes_x.metadata.service_account_uid}}" { capabilities = ["read"] }')];
  assert.equal(compileAcl(ps, byName).unresolvedTemplates.length, 1, 'unknown uid keeps the template unresolved');
  assert.equal(isOperationAllowed(evaluateAcl(compileAcl(ps, byUid), 'kv/data/u-1'), 'read'), true);
});

test('jwt login identity: alias name from user_claim, metadata from claim_mappings', () => {
  const id = jwtLoginIdentity({
    mountAccessor: 'auth_jwt_1',
    role: { user_claim: 'sub', claim_mappings: { team: 'team', n: 'num' } },
    claims: { sub: 'system:serviceaccount:ns:sa', team: 'payments', n: 5 },
    roleName: 'eso',
  });
  assert.equal(id.entity?.aliases?.[0]?.name, 'system:serviceaccount:ns:sa');
  assert.deepEqual(id.entity?.aliases?.[0]?.metadata, { team: 'payments', role: 'eso' });
});

test('compileAcl caches by name + text and reports parse errors with policy and line', () => {
  const ps = [pol('c', 'path "a" { capabilities = ["read"] }')];
  assert.equal(compileAcl(ps), compileAcl([{ ...ps[0]! }]), 'same name and text → same compiled ACL');
  assert.notEqual(compileAcl(ps), compileAcl([pol('c', 'path "a" { capabilities = ["list"] }')]));
  assert.throws(
    () => compileAcl([pol('broken', '\n\npath "a" { capabilities = ["sudo", "READ"] }')]),
    (e: unknown) => e instanceof PolicyParseError && e.policyName === 'broken' && e.line === 3 && e.vaultMessage.includes('invalid capability "READ"'),
  );
});

test('a LIST request is judged on the path with a trailing slash, as Vault\'s HTTP layer sends it', () => {
  const e = evalPath([pol('a', 'path "kv/metadata/app/*" { capabilities = ["list"] }')], 'kv/metadata/app');
  assert.deepEqual(e.capabilities, ['deny'], 'sys/capabilities on the bare path finds no rule');
  assert.equal(isOperationAllowed(e, 'list'), true, 'LIST /v1/kv/metadata/app is checked as kv/metadata/app/');
});

test('hasMountAccess: any non-deny rule under the mount lets the preflight through', () => {
  const under = compileAcl([pol('a', 'path "secret/data/app/*" { capabilities = ["read"] }')]);
  assert.equal(hasMountAccess(under, 'secret/'), true);
  assert.equal(hasMountAccess(under, 'other/'), false);
  const denied = compileAcl([pol('a', 'path "secret/data/app/*" { capabilities = ["deny"] }')]);
  assert.equal(hasMountAccess(denied, 'secret/'), false);
  const plus = compileAcl([pol('a', 'path "secret/+/app" { capabilities = ["read"] }')]);
  assert.equal(hasMountAccess(plus, 'secret/'), true);
});
