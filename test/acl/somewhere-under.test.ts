// allowedSomewhereUnder: whether a policy could allow an operation on ANY path under a prefix (a
// PushSecret's per-key dataTo, whose keys come from a Secret the webhook does not read). `false` must
// mean every path is denied, or a correct manifest would be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aclInChildNamespace, allowedSomewhereUnder, compileAcl, evaluateAcl, isOperationAllowed, type PolicySource } from '../../src/vault/acl/index.js';

const acl = (...texts: string[]) => compileAcl(texts.map((text, i): PolicySource => ({ name: `p${i}`, text })));

test('a glob over the prefix, a rule below it, or a `+` rule that can reach it may allow; read-only policies never write', () => {
  const readOnly = acl('path "kv/data/apps/*" { capabilities = ["read"] }');
  assert.equal(allowedSomewhereUnder(readOnly, 'kv/data/', 'read'), true, 'a rule below the prefix');
  assert.equal(allowedSomewhereUnder(readOnly, 'kv/data/', 'create'), false);
  assert.equal(allowedSomewhereUnder(readOnly, 'kv/data/', 'update'), false);
  assert.equal(allowedSomewhereUnder(acl('path "kv/*" { capabilities = ["create"] }'), 'kv/data/', 'create'), true, 'a glob covering the prefix');
  assert.equal(allowedSomewhereUnder(acl('path "kv/data/team-a/db" { capabilities = ["update"] }'), 'kv/data/', 'update'), true, 'an exact path below');
  assert.equal(allowedSomewhereUnder(acl('path "kv/+/pushed/*" { capabilities = ["create"] }'), 'kv/data/', 'create'), true, '`+` matches "data"');
  assert.equal(allowedSomewhereUnder(acl('path "other/+/pushed/*" { capabilities = ["create"] }'), 'kv/data/', 'create'), false, 'a `+` rule of another mount');
  assert.equal(allowedSomewhereUnder(acl('path "kv/data/x" { capabilities = ["create"] }'), 'kv/metadata/', 'create'), false, 'another branch of the mount');
});

test('deny wins where it covers every path; a deny on one path leaves the others', () => {
  const everywhereDenied = acl('path "kv/*" { capabilities = ["create"] }', 'path "kv/data/*" { capabilities = ["deny"] }');
  assert.equal(allowedSomewhereUnder(everywhereDenied, 'kv/data/', 'create'), false);
  const oneDenied = acl('path "kv/*" { capabilities = ["create"] }', 'path "kv/data/secret" { capabilities = ["deny"] }');
  assert.equal(allowedSomewhereUnder(oneDenied, 'kv/data/', 'create'), true);
});

test('an Enterprise child namespace: the prefix is matched under the namespace path, as evaluateAcl does', () => {
  const parent = acl('path "team-a/kv/data/*" { capabilities = ["create"] }');
  const child = aclInChildNamespace(parent, 'team-a/');
  assert.equal(isOperationAllowed(evaluateAcl(child, 'kv/data/x'), 'create'), true);
  assert.equal(allowedSomewhereUnder(child, 'kv/data/', 'create'), true);
  assert.equal(allowedSomewhereUnder(aclInChildNamespace(parent, 'team-b/'), 'kv/data/', 'create'), false);
});

test('soundness against brute force: whenever false, no path from a sample is allowed', () => {
  const policies = [
    'path "kv/data/apps/*" { capabilities = ["read"] }',
    'path "kv/+/pushed/*" { capabilities = ["create", "update"] }\npath "kv/data/pushed/locked" { capabilities = ["deny"] }',
    'path "kv/metadata/*" { capabilities = ["list"] }',
    'path "kv/data/a*" { capabilities = ["update"] }',
  ];
  const sample = ['kv/data/x', 'kv/data/apps/db', 'kv/data/pushed/a', 'kv/data/pushed/locked', 'kv/data/abc', 'kv/metadata/pushed/a', 'kv/metadata/x'];
  for (const text of policies) {
    const a = acl(text);
    for (const prefix of ['kv/data/', 'kv/metadata/']) {
      for (const op of ['read', 'create', 'update'] as const) {
        if (allowedSomewhereUnder(a, prefix, op)) continue;
        for (const path of sample.filter((p) => p.startsWith(prefix))) {
          assert.equal(isOperationAllowed(evaluateAcl(a, path), op), false, `${text}: ${op} ${path} is allowed though the prefix ${prefix} was judged impossible`);
        }
      }
    }
  }
});
