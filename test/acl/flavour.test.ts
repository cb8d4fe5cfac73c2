// Vault and OpenBao differ in one ACL step (openbao vault/policy/acl.go, PR #3389): for LIST of
// `p/`, Vault looks up the non-exact rules for `p` first, OpenBao for `p/` first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowOperation, compileAcl, evaluateAcl, isOperationAllowed } from '../../src/vault/acl/index.js';
import { flavourFromHealth } from '../../src/vault/flavour.js';
import { runCommand } from '../support/cli.js';

const POLICY = 'path "foo/bar*" {\n  capabilities = ["list"]\n}\npath "foo/bar/*" {\n  capabilities = ["deny"]\n}\n';

test('LIST foo/bar/ with foo/bar*=list and foo/bar/*=deny: allowed on Vault, denied on OpenBao', () => {
  const vault = compileAcl([{ name: 'p', text: POLICY }]);
  const bao = compileAcl([{ name: 'p', text: POLICY }], undefined, { flavour: 'openbao' });
  assert.equal(allowOperation(vault, 'foo/bar/', 'list').allowed, true);
  assert.equal(allowOperation(bao, 'foo/bar/', 'list').allowed, false);
  assert.equal(isOperationAllowed(evaluateAcl(vault, 'foo/bar'), 'list'), true);
  assert.equal(isOperationAllowed(evaluateAcl(bao, 'foo/bar'), 'list'), false);
  assert.equal(evaluateAcl(vault, 'foo/bar').rules, 'vault');
  assert.equal(evaluateAcl(bao, 'foo/bar').rules, 'openbao');
  // Outside the one step they agree: READ of foo/bar/x is denied on both, LIST foo/ller allowed on neither.
  assert.equal(allowOperation(vault, 'foo/bar/x', 'read').allowed, false);
  assert.equal(allowOperation(bao, 'foo/bar/x', 'read').allowed, false);
});

test('the server kind comes from sys/health: Vault reports `enterprise`, OpenBao does not', () => {
  assert.equal(flavourFromHealth({ initialized: true, sealed: false, version: '1.21.0', enterprise: false }), 'vault');
  // As recorded from `bao server -dev` (test/contract/bao-health.json).
  assert.equal(flavourFromHealth({ initialized: true, sealed: false, standby: false, version: '2.6.2', cluster_name: 'x' }), 'openbao');
  assert.equal(flavourFromHealth(null), undefined);
});

test('policy-eval --server openbao applies and names OpenBao\'s rules', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flavour-'));
  const file = join(dir, 'p.hcl');
  writeFileSync(file, POLICY);
  const run = (server: string) => runCommand(['policy-eval', '--no-default-policy', '--policy', `p=${file}`, '--path', 'foo/bar/', '--operation', 'list', '--server', server]);
  const vault = await run('vault');
  assert.equal(vault.code, 0);
  assert.match(vault.stdout, /rules: {8}HashiCorp Vault rules/);
  const bao = await run('openbao');
  assert.equal(bao.code, 1);
  assert.match(bao.stdout, /operation: {4}list -> denied/);
  assert.match(bao.stdout, /rules: {8}OpenBao rules/);
});
