import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computePatch } from '../../src/checks/mutate.js';

function es(ref: Record<string, unknown>) {
  return { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'a', namespace: 'team-a' }, spec: { secretStoreRef: ref, data: [] } };
}

test('secretStoreRef.kind is filled only when just a ClusterSecretStore of that name exists', () => {
  const r = computePatch(es({ name: 'vault' }), { storesByName: { vault: { secretStore: false, clusterSecretStore: true } } });
  assert.deepEqual(r.patch, [{ op: 'add', path: '/spec/secretStoreRef/kind', value: 'ClusterSecretStore' }]);
  assert.match(r.notes[0] ?? '', /^\[Defaulted\] spec\.secretStoreRef\.kind: set to "ClusterSecretStore"/);
  assert.deepEqual(computePatch(es({ name: 'vault' }), { storesByName: { vault: { secretStore: true, clusterSecretStore: true } } }).patch, []);
  assert.deepEqual(computePatch(es({ name: 'vault' }), { storesByName: { vault: { secretStore: false, clusterSecretStore: false } } }).patch, []);
  // Present fields are never rewritten, even when wrong.
  assert.deepEqual(computePatch(es({ name: 'vault', kind: 'SecretStore' }), { storesByName: { vault: { secretStore: false, clusterSecretStore: true } } }).patch, []);
});

function css(auth: Record<string, unknown>) {
  return { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'v' }, spec: { provider: { vault: { server: 'https://v', auth } } } };
}

test('ClusterSecretStore serviceAccountRef.namespace is filled when the role binds exactly one namespace and the name', () => {
  const role = { bound_service_account_names: ['eso'], bound_service_account_namespaces: ['external-secrets'] };
  const obj = css({ kubernetes: { mountPath: 'kubernetes', role: 'r', serviceAccountRef: { name: 'eso' } } });
  const r = computePatch(obj, { storesByName: {}, role });
  assert.deepEqual(r.patch, [{ op: 'add', path: '/spec/provider/vault/auth/kubernetes/serviceAccountRef/namespace', value: 'external-secrets' }]);
  assert.equal(r.notes.length, 1);
  assert.deepEqual(computePatch(obj, { storesByName: {}, role: { ...role, bound_service_account_namespaces: ['a', 'b'] } }).patch, []);
  assert.deepEqual(computePatch(obj, { storesByName: {}, role: { ...role, bound_service_account_namespaces: ['team-*'] } }).patch, []);
  assert.deepEqual(computePatch(obj, { storesByName: {}, role: { ...role, bound_service_account_names: ['other'] } }).patch, []);
  const present = css({ kubernetes: { mountPath: 'kubernetes', role: 'r', serviceAccountRef: { name: 'eso', namespace: 'x' } } });
  assert.deepEqual(computePatch(present, { storesByName: {}, role }).patch, []);
});

test('JWT kubernetesServiceAccountToken.audiences is filled when the role binds exactly one audience ESO would not send', () => {
  const obj = css({ jwt: { path: 'jwt', role: 'r', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'eso' } } } });
  const r = computePatch(obj, { storesByName: {}, role: { bound_audiences: ['https://vault.example.internal'] } });
  assert.deepEqual(r.patch, [{ op: 'add', path: '/spec/provider/vault/auth/jwt/kubernetesServiceAccountToken/audiences', value: ['https://vault.example.internal'] }]);
  assert.deepEqual(computePatch(obj, { storesByName: {}, role: { bound_audiences: ['vault'] } }).patch, []);
  assert.deepEqual(computePatch(obj, { storesByName: {}, role: { bound_audiences: ['a', 'b'] } }).patch, []);
});

test('the patch is a pure function of object and facts (identical on dry-run)', () => {
  const obj = es({ name: 'vault' });
  const facts = { storesByName: { vault: { secretStore: false, clusterSecretStore: true } } };
  assert.deepEqual(computePatch(obj, facts), computePatch(structuredClone(obj), facts));
});
