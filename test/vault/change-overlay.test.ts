// withChange: the facts a proposed Vault change touches answer as Vault would after it; the rest,
// and other Vault namespaces, are passed through untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOfflineFacts, withChange, type Fact, type FactOptions, type VaultChange, type VaultFacts } from '../../src/vault/index.js';

const opts: FactOptions = { deadlineAtMs: Date.now() + 60_000 };

/** A Vault with policy "p", role kubernetes/r, and KV v2 `kv/` holding a/x, a/b/y, a/b/z and c. */
function fakeVault(calls: string[]): VaultFacts {
  const ok = <T>(value: T): Promise<Fact<T>> => Promise.resolve({ status: 'ok', value, source: 'vault' });
  const tree: Record<string, string[]> = { '': ['a/', 'c'], 'a/': ['b/', 'x'], 'a/b/': ['y', 'z'] };
  return {
    ...createOfflineFacts(),
    policyText: (_s, name) => (calls.push(`policy ${name}`), ok(`path "kv/data/${name}" { capabilities = ["read"] }`)),
    authRole: (_s, mount, role) => (calls.push(`role ${mount}/${role}`), ok({ token_policies: ['p'] })),
    kvMetadata: (_s, at) => (calls.push(`metadata ${at.secretPath}`), ok({ currentVersion: 1, oldestVersion: 1, versions: {}, customMetadataKeys: [] })),
    readSecretShape: (_s, at) => (calls.push(`read ${at.secretPath}`), ok({ state: 'present', shape: { kind: 'object', keys: {} }, envelopeShape: { kind: 'object', keys: {} } } as never)),
    listKeys: (_s, at) => (calls.push(`list ${at.folder}`), tree[at.folder] ? ok(tree[at.folder]!) : Promise.resolve({ status: 'not_found', source: 'vault' })),
  };
}

function change(partial: Partial<VaultChange>): VaultChange {
  return { policies: new Map(), roles: new Map(), removedSecrets: [], namespace: '', ...partial };
}

test('withChange: a changed policy answers its new text, a deleted one not_found, others Vault\'s', async () => {
  const calls: string[] = [];
  const facts = withChange(fakeVault(calls), change({ policies: new Map([['p', 'path "x" {}'], ['gone', null]]) }));
  assert.deepEqual(await facts.policyText('s', 'P', opts), { status: 'ok', value: 'path "x" {}', source: 'policy p (with the proposed change)' });
  assert.equal((await facts.policyText('s', 'gone', opts)).status, 'not_found');
  assert.equal((await facts.policyText('s', 'other', opts)).status, 'ok');
  assert.deepEqual(calls, ['policy other']);
  // In another Vault namespace the change does not apply.
  assert.equal((await facts.policyText('s', 'gone', { ...opts, namespace: 'team/' })).status, 'ok');
});

test('withChange: a role is matched by mount (slashes trimmed) and lower-cased name', async () => {
  const calls: string[] = [];
  const facts = withChange(fakeVault(calls), change({ roles: new Map([['k8s/prod/r', { bound_service_account_names: ['x'] }], ['kubernetes/old', null]]) }));
  const changed = await facts.authRole('s', '/k8s/prod/', 'R', opts);
  assert.equal(changed.status, 'ok');
  assert.deepEqual(changed.status === 'ok' ? changed.value : undefined, { bound_service_account_names: ['x'] });
  assert.equal((await facts.authRole('s', 'kubernetes', 'old', opts)).status, 'not_found');
  assert.equal((await facts.authRole('s', 'kubernetes', 'r', opts)).status, 'ok');
  assert.deepEqual(calls, ['role kubernetes/r']);
});

test('withChange: a removed secret is absent under any of its names; its folder empties as in Vault', async () => {
  const calls: string[] = [];
  const base = fakeVault(calls);
  for (const name of ['kv/a/b/y', 'kv/data/a/b/y', '/kv/metadata/a/b/y/']) {
    const facts = withChange(base, change({ removedSecrets: [name.replace(/^\/+|\/+$/g, '')] }));
    assert.equal((await facts.kvMetadata('s', { mount: 'kv/', secretPath: 'a/b/y' }, opts)).status, 'not_found', name);
    assert.deepEqual(await facts.readSecretShape('s', { mount: 'kv/', secretPath: 'a/b/y' }, undefined, { ...opts, kvVersion: '2' }), { status: 'ok', value: { state: 'missing' }, source: 'kv/a/b/y (with the proposed change)' });
    assert.equal((await facts.kvMetadata('s', { mount: 'kv/', secretPath: 'a/b/z' }, opts)).status, 'ok');
    const listed = await facts.listKeys('s', { mount: 'kv/', folder: 'a/b/', kvVersion: '2' }, opts);
    assert.deepEqual(listed.status === 'ok' ? listed.value : listed.status, ['z']);
  }
  // Both secrets of a/b/ gone: a/b/ is a 404, and disappears from a/'s listing; the root keeps a/ (x remains).
  const facts = withChange(base, change({ removedSecrets: ['kv/a/b/y', 'kv/a/b/z'] }));
  assert.equal((await facts.listKeys('s', { mount: 'kv/', folder: 'a/b/', kvVersion: '2' }, opts)).status, 'not_found');
  const a = await facts.listKeys('s', { mount: 'kv/', folder: 'a/', kvVersion: '2' }, opts);
  assert.deepEqual(a.status === 'ok' ? a.value : a.status, ['x']);
  const root = await facts.listKeys('s', { mount: 'kv/', folder: '', kvVersion: '2' }, opts);
  assert.deepEqual(root.status === 'ok' ? root.value : root.status, ['a/', 'c']);
  // On KV v1 there are no data/metadata names: kv/data/c is another secret than kv/c.
  const v1 = withChange(base, change({ removedSecrets: ['kv/data/c'] }));
  const v1Read = await v1.readSecretShape('s', { mount: 'kv/', secretPath: 'c' }, undefined, { ...opts, kvVersion: '1' });
  assert.notDeepEqual(v1Read.status === 'ok' ? v1Read.value : undefined, { state: 'missing' });
});

test('withChange: what the change does not touch passes through (flavour, budget, configuration)', () => {
  const base = { ...fakeVault([]), metadataOnly: true, flavour: () => 'openbao' as const };
  const facts = withChange(base, change({ removedSecrets: ['kv/c'] }));
  assert.equal(facts.metadataOnly, true);
  assert.equal(facts.flavour?.('s'), 'openbao');
  assert.equal(facts.isConfigured('s'), true);
});
