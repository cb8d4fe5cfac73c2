// dataFrom[].find beyond its first LIST: ESO lists sub-folders recursively and reads every
// candidate; a request the store's role may not make fails the ExternalSecret. Over the real Vault
// facts layer and the Vault double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admit, CONTROLLER_SA, DEFAULT_AUDIENCES, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const ROLE = {
  bound_service_account_names: ['eso-reader'],
  bound_service_account_namespaces: ['team-a'],
  audience: DEFAULT_AUDIENCES[0],
  token_policies: ['finder'],
  token_ttl: 600,
};
const state = (policy: string) => ({
  server: 'https://vault.example.internal:8200',
  mounts: { 'apps/': { type: 'kv', options: { version: '2' } } },
  auth: { 'kubernetes/': { type: 'kubernetes', accessor: 'auth_kubernetes_1', config: {}, roles: { finder: ROLE } } },
  policies: { finder: policy },
  secrets: {
    'apps/team-a/db': { versions: [{ data: { password: 'fake-1' } }], custom_metadata: { owner: 'team-a' } },
    'apps/team-a/config': { versions: [{ data: { LOG_LEVEL: 'info' } }], custom_metadata: {} },
    'apps/team-a/sub/cache': { versions: [{ data: { url: 'redis://x' } }], custom_metadata: {} },
  },
});

const STORE: Obj = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vault', namespace: 'team-a' },
  spec: { provider: { vault: { server: 'https://vault.example.internal:8200', path: 'apps', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role: 'finder', serviceAccountRef: { name: 'eso-reader' } } } } } },
};
const finder = (find: Obj): Obj => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'all', namespace: 'team-a' },
  spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name: 'all' }, dataFrom: [{ find }] },
});

async function decide(policy: string, find: Obj) {
  const dir = mkdtempSync(join(tmpdir(), 'find-coverage-'));
  const file = join(dir, 'vault-state.json');
  writeFileSync(file, JSON.stringify(state(policy)));
  const { double, facts } = await startFacts(file);
  try {
    return await admit(finder(find), {
      facts,
      lookup: { ...manifestLookup([STORE]), controllerServiceAccount: CONTROLLER_SA },
      deadlineAtMs: Date.now() + 5000,
      audience: { defaultAudiences: DEFAULT_AUDIENCES },
      trust: 'store-identity',
    });
  } finally {
    await facts.close();
    await double.close();
  }
}

const LIST_TEAM_A = 'path "apps/metadata/team-a/*" {\n  capabilities = ["list"]\n}\n';

test('find by name: every candidate whose full name matches must be readable (recursively listed)', async () => {
  const policy = `${LIST_TEAM_A}path "apps/data/team-a/db" {\n  capabilities = ["read"]\n}\n`;
  const narrow = await decide(policy, { path: 'team-a', name: { regexp: 'db$' } });
  assert.equal(narrow.allowed, true, narrow.message);
  assert.deepEqual(narrow.errorCodes, []);

  const broad = await decide(policy, { path: 'team-a', name: { regexp: '.' } });
  assert.equal(broad.allowed, false);
  assert.deepEqual(broad.errorCodes, ['PolicyDenied']);
  const finding = broad.result.findings.find((f) => f.code === 'PolicyDenied')!;
  assert.equal(finding.field, 'spec.dataFrom[0].find');
  assert.match(finding.message, /to read the matching secret apps\/data\/team-a\/(config|sub\/cache)/);
  assert.match(finding.message, /nor 1 more of the 4 requests find makes/, 'the sub-folder candidate counts too');
  assert.match(finding.hint ?? '', /path "apps\/data\/team-a\/\*" \{ capabilities = \["read"\] \}/);
});

test('find by name: a sub-folder the role may not list fails the walk', async () => {
  const policy = 'path "apps/metadata/team-a/" {\n  capabilities = ["list"]\n}\npath "apps/data/team-a/*" {\n  capabilities = ["read"]\n}\n';
  const out = await decide(policy, { path: 'team-a', name: { regexp: '.' } });
  assert.equal(out.allowed, false);
  const finding = out.result.findings.find((f) => f.code === 'PolicyDenied')!;
  assert.match(finding.message, /list the sub-folder apps\/metadata\/team-a\/sub\//);
});

test('a denied first LIST suggests what the whole walk needs; applying the hint is one fix', async () => {
  for (const find of [{ path: 'team-a', name: { regexp: '.' } }, { path: 'team-a', tags: { owner: 'team-a' } }]) {
    const denied = await decide('path "apps/data/other/*" {\n  capabilities = ["read"]\n}\n', find);
    assert.equal(denied.allowed, false);
    const hint = denied.result.findings.find((f) => f.code === 'PolicyDenied')!.hint ?? '';
    const stanzas = [...hint.matchAll(/path "[^"]+" \{ capabilities = \[[^\]]+\] \}/g)].map((m) => m[0]);
    assert.ok(stanzas.some((x) => x.startsWith('path "apps/metadata/team-a/*"')), hint);
    assert.ok(stanzas.includes('path "apps/data/team-a/*" { capabilities = ["read"] }'), hint);
    const fixedPolicy = stanzas.map((x) => x.replace('{ ', '{\n  ').replace(' }', '\n}\n')).join('');
    const fixed = await decide(fixedPolicy, find);
    assert.equal(fixed.allowed, true, `${JSON.stringify(find)}: ${fixed.message}`);
  }
});

test('find by tags: the metadata of every candidate must be readable', async () => {
  const denied = await decide(`${LIST_TEAM_A}path "apps/data/team-a/*" {\n  capabilities = ["read"]\n}\n`, { path: 'team-a', tags: { owner: 'team-a' } });
  assert.equal(denied.allowed, false);
  assert.match(denied.result.findings.find((f) => f.code === 'PolicyDenied')!.message, /read the metadata \(for tags\) of apps\/metadata\/team-a\//);
  const allowed = await decide('path "apps/metadata/team-a/*" {\n  capabilities = ["list", "read"]\n}\npath "apps/data/team-a/*" {\n  capabilities = ["read"]\n}\n', { path: 'team-a', tags: { owner: 'team-a' } });
  assert.equal(allowed.allowed, true, allowed.message);
});

test('a name.regexp that Go cannot compile is refused before Vault, as ESO fails on it', async () => {
  const out = await decide(LIST_TEAM_A, { path: 'team-a', name: { regexp: '(?=db)' } });
  assert.equal(out.allowed, false);
  assert.deepEqual(out.errorCodes, ['MalformedReference']);
  assert.match(out.message ?? '', /spec\.dataFrom\[0\]\.find\.name\.regexp: .*could not compile find\.name\.regexp/);
});
