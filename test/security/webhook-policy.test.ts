// Issue 14 item 5: the shipped policy for the webhook's own identity reads no secret value and no
// AppRole credential, while allowing every request the product makes. Checked stanza by stanza
// with the product's own `policy-eval` command (as an operator would), and over a generated set of
// paths with the ACL engine that command runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WEBHOOK_POLICY_FILE } from '../support/vault-double.js';
import { BUILTIN_DEFAULT_POLICY, compileAcl, evaluateAcl, isOperationAllowed, type Operation } from '../../src/vault/acl/index.js';
import { runCommand } from '../support/cli.js';

const TEXT = readFileSync(WEBHOOK_POLICY_FILE, 'utf8');
// With and without Vault's default policy (roles may set token_no_default_policy).
const ACLS = [
  compileAcl([{ name: 'eso-vault-guard', text: TEXT }]),
  compileAcl([{ name: 'eso-vault-guard', text: TEXT }, { name: 'default', text: BUILTIN_DEFAULT_POLICY }]),
];

async function policyEval(path: string, operation: Operation): Promise<{ allowed: boolean; decidedBy: { rule: string }[] }> {
  const r = await runCommand(['policy-eval', '--policy', `eso-vault-guard=${WEBHOOK_POLICY_FILE}`, '--path', path, '--operation', operation, '--format', 'json']);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout) as { allowed: boolean; decidedBy: { rule: string }[] };
}

/** What the product requests (request-path.ts families), per mount depth. */
const NEEDED: [string, Operation][] = [
  ['auth/token/lookup-self', 'read'],
  ['auth/token/renew-self', 'update'],
  ['sys/internal/ui/mounts/kv/dev/data/app', 'read'],
  ['sys/mounts', 'read'],
  ['sys/auth', 'read'],
  ['auth/kubernetes/role/team-a', 'read'],
  ['auth/jwt-k8s/role/eso-prod', 'read'],
  ['auth/kubernetes/config', 'read'],
  ['sys/policies/acl/app-secrets', 'read'],
  ['secret/metadata/app/db', 'read'],
  ['secret/metadata/', 'list'],
  ['secret/metadata/app/', 'list'],
  ['kv/dev/metadata/app', 'read'],
  ['team/a/kv/metadata/x/y', 'read'],
  ['secret/subkeys/app/db', 'read'],
  ['kv/dev/subkeys/app', 'read'],
  ['team/a/kv/subkeys/x/y', 'read'],
];

const MOUNTS = ['secret', 'kv', 'kv/dev', 'apps', 'team/a/kv', 'a/b/c', 'x/y/z/w'];
const KEYS = ['db', 'team-a/db', 'metadata/x', 'subkeys/x', 'data/x', 'a/metadata/b', 'config', 'x/y/z/metadata/subkeys'];
const OPERATIONS: Operation[] = ['read', 'list', 'create', 'update', 'delete', 'patch'];
const APPROLE = ['role-id', 'secret-id', 'secret-id/lookup', 'secret-id/destroy', 'secret-id-accessor/lookup', 'secret-id-accessor/destroy', 'custom-secret-id', 'secret-id/x'];

test('policy-eval: each allowing stanza of the shipped policy grants what the product requests, and decides it', async () => {
  const decidingRules = new Set<string>();
  for (const [path, operation] of NEEDED) {
    for (const acl of ACLS) assert.ok(isOperationAllowed(evaluateAcl(acl, path), operation), `${operation} ${path} (engine)`);
  }
  // One policy-eval run per stanza (the CLI's own output for each deciding rule).
  const perStanza = new Map<string, [string, Operation]>();
  for (const [path, operation] of NEEDED) {
    const rule = evaluateAcl(ACLS[0]!, path).decidedBy[0]?.rule ?? path;
    if (!perStanza.has(rule)) perStanza.set(rule, [path, operation]);
  }
  for (const [path, operation] of perStanza.values()) {
    const out = await policyEval(path, operation);
    assert.equal(out.allowed, true, `${operation} ${path}`);
    for (const d of out.decidedBy) decidingRules.add(d.rule);
  }
  const allowing = [...TEXT.matchAll(/^path "([^"]+)" \{\n\s*capabilities = \[([^\]]*)\]/gm)].filter((m) => !(m[2] ?? '').includes('deny')).map((m) => m[1]);
  assert.deepEqual(allowing.filter((p) => !decidingRules.has(p as string)), [], 'every allowing stanza is one the product needs');
});

test('policy-eval: the shipped policy denies KV v2 data and AppRole role-id/secret-id paths', async () => {
  for (const path of ['kv/data/metadata/x', 'kv/dev/data/subkeys/a', 'team/a/kv/data/metadata/x', 'auth/approle/role/x/role-id', 'auth/approle/role/x/secret-id', 'auth/approle/role/x/secret-id-accessor/lookup']) {
    assert.equal((await policyEval(path, 'read')).allowed, false, path);
  }
});

test('no */data/* path on mounts one to four segments deep, no AppRole credential path, and no write is allowed', () => {
  let checked = 0;
  for (const acl of ACLS) {
    for (const mount of MOUNTS) {
      for (const key of KEYS) {
        for (const operation of OPERATIONS) {
          const path = `${mount}/data/${key}`;
          assert.equal(isOperationAllowed(evaluateAcl(acl, path), operation), false, `${operation} ${path}`);
          checked += 1;
        }
      }
    }
    for (const mount of ['approle', 'app-role', 'ci']) {
      for (const role of ['x', 'eso', 'my.role']) {
        for (const leaf of APPROLE) {
          for (const operation of OPERATIONS) {
            const path = `auth/${mount}/role/${role}/${leaf}`;
            assert.equal(isOperationAllowed(evaluateAcl(acl, path), operation), false, `${operation} ${path}`);
          }
        }
        // The role itself is readable (bindings, policies), never writable.
        assert.equal(isOperationAllowed(evaluateAcl(acl, `auth/${mount}/role/${role}`), 'read'), true);
        assert.equal(isOperationAllowed(evaluateAcl(acl, `auth/${mount}/role/${role}`), 'update'), false);
      }
    }
    for (const [path] of NEEDED) {
      for (const operation of ['create', 'delete', 'patch'] as const) assert.equal(isOperationAllowed(evaluateAcl(acl, path), operation), false, `${operation} ${path}`);
    }
  }
  assert.ok(checked > 500);
});

test('the policy file has no data stanza other than denies, and role reads are one segment', () => {
  const stanzas = [...TEXT.matchAll(/^path "([^"]+)" \{\n\s*capabilities = \[([^\]]*)\]/gm)].map((m) => ({ path: m[1] as string, caps: m[2] as string }));
  assert.ok(stanzas.length >= 10);
  for (const s of stanzas) {
    if (/(^|\/)data\//.test(s.path)) assert.equal(s.caps.trim(), '"deny"', s.path);
    if (s.path.startsWith('auth/') && s.path.includes('/role/')) assert.match(s.path, /\/role\/\+$/);
  }
});
