// The server's StoreLookup: informer cache first, a direct API read for a store the cache has not
// seen yet, and an error (not "missing") when the API cannot say.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterStoreLookup } from '../../src/kube/store-lookup.js';
import type { KubeState } from '../../src/kube/state.js';
import type { RawKubeObject } from '../../src/kube/types.js';

const store: RawKubeObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vault', namespace: 'team-a', uid: 'u1', resourceVersion: '1' },
  spec: { provider: { vault: { server: 'https://vault:8200', path: 'apps', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role: 'team-a' } } } } },
};
const es = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'team-a' },
  spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, data: [{ secretKey: 'p', remoteRef: { key: 'team-a/db', property: 'password' } }] },
};

function fakeState(fallback: () => Promise<RawKubeObject | undefined>, cached?: RawKubeObject): KubeState & { gets: number } {
  const state = {
    gets: 0,
    start() {},
    hasSynced: () => true,
    esoVersion: () => 'v1' as const,
    getStore: () => cached,
    async getStoreWithFallback() {
      state.gets += 1;
      return fallback();
    },
    namespaceLabels: () => ({ 'kubernetes.io/metadata.name': 'team-a' }),
    namespaceNames: () => ['team-a'],
    listStores: () => [],
    close: async () => {},
  };
  return state;
}

const sa = { controllerServiceAccount: { name: 'external-secrets', namespace: 'external-secrets' } };

test('a cached store is parsed once per object version and needs no API read', async () => {
  const state = fakeState(async () => undefined, store);
  const lookup = createClusterStoreLookup(state, sa);
  await lookup.prefetchStores(es, Date.now() + 1000);
  assert.equal(state.gets, 0);
  const a = lookup.getStore('SecretStore', 'vault', 'team-a');
  assert.equal(a?.name, 'vault');
  assert.equal(lookup.getStore('SecretStore', 'vault', 'team-a'), a, 'same parsed model for the same object');
});

test('a cache miss is read from the API and served until the TTL runs out', async () => {
  let nowMs = 1_000;
  const state = fakeState(async () => store);
  const lookup = createClusterStoreLookup(state, { ...sa, fetchedTtlMs: 500, now: () => nowMs });
  assert.equal(lookup.getStore('SecretStore', 'vault', 'team-a'), undefined);
  await lookup.prefetchStores(es, Date.now() + 1000);
  assert.equal(state.gets, 1);
  assert.equal(lookup.getStore('SecretStore', 'vault', 'team-a')?.name, 'vault');
  nowMs += 501;
  assert.equal(lookup.getStore('SecretStore', 'vault', 'team-a'), undefined, 'the informer is the source of truth after the TTL');
});

test('a store the API says does not exist stays missing (StoreNotFound is then right)', async () => {
  const lookup = createClusterStoreLookup(fakeState(async () => undefined), sa);
  await lookup.prefetchStores(es, Date.now() + 1000);
  assert.equal(lookup.getStore('SecretStore', 'vault', 'team-a'), undefined);
});

test('an API error or a read past the deadline rejects, so the caller never concludes "missing"', async () => {
  const failing = createClusterStoreLookup(fakeState(async () => Promise.reject(new Error('HTTP 500'))), sa);
  await assert.rejects(failing.prefetchStores(es, Date.now() + 1000), /HTTP 500/);
  const slow = createClusterStoreLookup(fakeState(() => new Promise((resolve) => setTimeout(() => resolve(store), 300))), sa);
  await assert.rejects(slow.prefetchStores(es, Date.now() + 50), /took longer than \d+ ms/);
});

test('PushSecret, ClusterPushSecret and ClusterExternalSecret: their named stores are read on a cache miss too', async () => {
  const asked: string[] = [];
  const state = fakeState(async () => undefined);
  state.getStoreWithFallback = async (kind: string, name: string, namespace: string) => {
    asked.push(`${kind} ${namespace}/${name}`);
    return undefined;
  };
  const lookup = createClusterStoreLookup(state, sa);
  const pushSpec = {
    secretStoreRefs: [{ kind: 'SecretStore', name: 'vault' }, { kind: 'ClusterSecretStore', name: 'shared' }, { kind: 'ClusterSecretStore', labelSelector: { matchLabels: { a: 'b' } } }],
    selector: { secret: { name: 's' } },
    data: [{ match: { secretKey: 'k', remoteRef: { remoteKey: 'x' } } }],
  };
  await lookup.prefetchStores({ apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'p', namespace: 'team-a' }, spec: pushSpec }, Date.now() + 1000);
  assert.deepEqual(asked.splice(0), ['SecretStore team-a/vault', 'ClusterSecretStore team-a/shared']);
  // Cluster-scoped objects: only ClusterSecretStores (a SecretStore's namespace is each selected namespace's).
  await lookup.prefetchStores({ apiVersion: 'external-secrets.io/v1alpha1', kind: 'ClusterPushSecret', metadata: { name: 'c' }, spec: { namespaceSelectors: [{}], pushSecretSpec: pushSpec } }, Date.now() + 1000);
  assert.deepEqual(asked.splice(0).map((a) => a.split(' ')[0] + ' ' + a.split('/')[1]), ['ClusterSecretStore shared']);
  await lookup.prefetchStores({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'c' }, spec: { namespaces: ['team-a'], externalSecretSpec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'shared' }, data: [] } } }, Date.now() + 1000);
  assert.deepEqual(asked.splice(0).map((a) => a.split(' ')[0] + ' ' + a.split('/')[1]), ['ClusterSecretStore shared']);
});
