// The policy-eval subcommand, spawned as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../support/cli.js';

// The compiled test lives in <dist>/test/acl; the CLI in <dist>/src/cli/main.js.
const dir = mkdtempSync(join(tmpdir(), 'policy-eval-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(['policy-eval', ...args]);
}

const app = file('app.hcl', 'path "kv/data/team-a/*" {\n  capabilities = ["read", "list"]\n}\npath "kv/data/team-a/locked" {\n  capabilities = ["deny"]\n}\n');

test('allowed read exits 0 and names the deciding rule (json)', async () => {
  const r = await run(['--policy', `app=${app}`, '--path', 'kv/data/team-a/db', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.allowed, true);
  assert.deepEqual(out.capabilities, ['list', 'read']);
  assert.deepEqual(out.decidedBy, [{ policy: 'app', rule: 'kv/data/team-a/*' }]);
  assert.equal(out.suggestion, null);
  assert.ok(Array.isArray(out.unresolvedTemplates));
});

test('denied path exits 1 with an empty decidedBy and a stanza suggestion', async () => {
  const r = await run(['--policy', `app=${app}`, '--path', 'kv/data/team-b/db', '--format', 'json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.allowed, false);
  assert.deepEqual(out.decidedBy, []);
  assert.equal(out.suggestion, 'path "kv/data/team-b/db" {\n  capabilities = ["read"]\n}');
});

test('explicit deny on the path: no suggestion, a note instead (text output)', async () => {
  const r = await run(['--policy', `app=${app}`, '--path', 'kv/data/team-a/locked']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /decided by: +policy "app" rule "kv\/data\/team-a\/locked" \[deny\]/);
  assert.match(r.stdout, /denies "kv\/data\/team-a\/locked" explicitly/);
});

test('the built-in default policy is attached unless --no-default-policy', async () => {
  assert.equal((await run(['--path', 'cubbyhole/x', '--operation', 'create'])).code, 0);
  assert.equal((await run(['--path', 'cubbyhole/x', '--operation', 'create', '--no-default-policy'])).code, 1);
  const own = file('default.hcl', 'path "kv/*" { capabilities = ["read"] }');
  assert.equal((await run(['--policy', `default=${own}`, '--path', 'cubbyhole/x', '--operation', 'create'])).code, 1, 'a named default replaces the built-in');
});

test('templated policy with --identity', async () => {
  const t = file('t.hcl', 'path "kv/data/{{identity.entity.aliases.auth_k8s.metadata.service_account_namespace}}/*" { capabilities = ["read"] }');
  const id = file('id.json', JSON.stringify({ entity: { aliases: [{ mount_accessor: 'auth_k8s', name: 'u', metadata: { service_account_namespace: 'team-a' } }] } }));
  assert.equal((await run(['--policy', `t=${t}`, '--identity', id, '--path', 'kv/data/team-a/x', '--no-default-policy'])).code, 0);
  const r = await run(['--policy', `t=${t}`, '--path', 'kv/data/team-a/x', '--no-default-policy', '--format', 'json']);
  assert.equal(r.code, 1);
  assert.deepEqual(JSON.parse(r.stdout).unresolvedTemplates, [{ policy: 't', template: '{{identity.entity.aliases.auth_k8s.metadata.service_account_namespace}}' }]);
});

test('usage and parse errors exit 2', async () => {
  assert.equal((await run(['--policy', `app=${app}`])).code, 2, 'missing --path');
  assert.equal((await run(['--policy', `app=${app}`, '--path', 'a', '--operation', 'bogus'])).code, 2);
  assert.equal((await run(['--policy', `x=${join(dir, 'missing.hcl')}`, '--path', 'a'])).code, 2);
  const bad = file('bad.hcl', 'path "a" {\n  capabilities = ["READ"]\n}\n');
  const r = await run(['--policy', `bad=${bad}`, '--path', 'a']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /policy "bad" line 2: failed to parse policy: path "a": invalid capability "READ"/);
});
