import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createKubeState, type KubeState } from '../../src/kube/index.js';
import { startKubeDouble, type KubeDouble, type KubeObject } from '../support/kube-double.js';
import { FAST_BACKOFF, waitFor } from '../support/kube-wait.js';

const logger = pino({ level: 'silent' });

function secretStore(name: string, namespace: string, path = 'kv', apiVersion = 'external-secrets.io/v1'): KubeObject {
  return {
    apiVersion, kind: 'SecretStore', metadata: { name, namespace },
    spec: { provider: { vault: { server: 'https://vault.example:8200', path, version: 'v2', auth: { tokenSecretRef: { name: 't', key: 'token' } } } } },
  };
}
function clusterStore(name: string, apiVersion = 'external-secrets.io/v1'): KubeObject {
  return { apiVersion, kind: 'ClusterSecretStore', metadata: { name }, spec: { provider: { vault: { server: 'https://vault.example:8200', path: 'kv' } } } };
}
function namespace(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

async function withState(double: KubeDouble, fn: (state: KubeState) => Promise<void>, resyncMs = 60_000): Promise<void> {
  const state = createKubeState(double.kubeConfig, { logger, resyncMs, backoff: FAST_BACKOFF });
  state.start();
  try {
    await fn(state);
  } finally {
    await state.close();
  }
}

test('initial list fills the cache with raw objects and hasSynced turns true', async () => {
  const double = await startKubeDouble({ objects: [secretStore('vault', 'team-a'), clusterStore('shared'), namespace('team-a', { team: 'a' })] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      const store = state.getStore('SecretStore', 'vault', 'team-a');
      assert.equal(store?.apiVersion, 'external-secrets.io/v1');
      assert.equal(store?.kind, 'SecretStore');
      assert.deepEqual((store?.spec as { provider: { vault: { path: string } } }).provider.vault.path, 'kv');
      assert.equal(state.getStore('SecretStore', 'vault', 'team-b'), undefined);
      assert.equal(state.getStore('ClusterSecretStore', 'shared', 'anything')?.kind, 'ClusterSecretStore');
      assert.deepEqual(state.namespaceLabels('team-a'), { team: 'a' });
      assert.equal(state.namespaceLabels('missing'), undefined);
      assert.equal(state.listStores().length, 2);
      assert.equal(state.esoVersion(), 'v1');
    });
  } finally {
    await double.close();
  }
});

test('watch events add, update and delete cached objects', async () => {
  const double = await startKubeDouble({ objects: [namespace('team-a', { team: 'a' })] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      await waitFor('watches open', () => double.openWatchCount() === 3);
      double.apply(secretStore('late', 'team-a', 'secret'));
      await waitFor('store added', () => state.getStore('SecretStore', 'late', 'team-a') !== undefined);
      double.apply(secretStore('late', 'team-a', 'changed'));
      await waitFor('store updated', () => (state.getStore('SecretStore', 'late', 'team-a')?.spec as { provider: { vault: { path: string } } }).provider.vault.path === 'changed');
      double.apply(namespace('team-a', { team: 'b' }));
      await waitFor('labels updated', () => state.namespaceLabels('team-a')?.team === 'b');
      double.remove('external-secrets.io/v1', 'SecretStore', 'late', 'team-a');
      await waitFor('store deleted', () => state.getStore('SecretStore', 'late', 'team-a') === undefined);
    });
  } finally {
    await double.close();
  }
});

test('a dropped watch reconnects from the last resourceVersion and sees changes made meanwhile', async () => {
  const double = await startKubeDouble({ objects: [namespace('team-a', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      await waitFor('watches open', () => double.openWatchCount() === 3);
      const listsBefore = double.requests.filter((r) => !r.query.watch && r.path.endsWith('/secretstores')).length;
      double.dropWatches();
      double.apply(secretStore('while-down', 'team-a'));
      await waitFor('store seen after reconnect', () => state.getStore('SecretStore', 'while-down', 'team-a') !== undefined);
      const rewatch = double.requests.filter((r) => r.query.watch === 'true' && r.path === '/apis/external-secrets.io/v1/secretstores');
      assert.ok(rewatch.length >= 2);
      assert.notEqual(rewatch[rewatch.length - 1]!.query.resourceVersion, '', 'resumed from a resourceVersion');
      const listsAfter = double.requests.filter((r) => !r.query.watch && r.path.endsWith('/secretstores')).length;
      assert.equal(listsAfter, listsBefore, 'no relist was needed');
    });
  } finally {
    await double.close();
  }
});

for (const how of ['event', 'http'] as const) {
  test(`410 Gone (${how}) makes the cache list again and drop objects deleted meanwhile`, async () => {
    const double = await startKubeDouble({ objects: [secretStore('old', 'team-a'), namespace('team-a', {})] });
    try {
      await withState(double, async (state) => {
        await waitFor('synced', () => state.hasSynced());
        await waitFor('watches open', () => double.openWatchCount() === 3);
        const lists = () => double.requests.filter((r) => !r.query.watch && r.path === '/apis/external-secrets.io/v1/secretstores').length;
        const before = lists();
        // Delete while no watch is open and forget history: only a relist can notice.
        double.forceNextWatch410(how, '/apis/external-secrets.io/v1/secretstores');
        double.dropWatches();
        await waitFor('relisted', () => lists() > before);
        double.compact();
        await waitFor('watches open again', () => double.openWatchCount() === 3);
        double.remove('external-secrets.io/v1', 'SecretStore', 'old', 'team-a');
        await waitFor('deletion seen', () => state.getStore('SecretStore', 'old', 'team-a') === undefined);
      });
    } finally {
      await double.close();
    }
  });
}

test('a watch resuming from a compacted resourceVersion relists and converges', async () => {
  const double = await startKubeDouble({ objects: [secretStore('a', 'ns1'), secretStore('b', 'ns1'), namespace('ns1', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      await waitFor('watches open', () => double.openWatchCount() === 3);
      double.dropWatches();
      // Changes made while disconnected, then history compacted: resuming gets 410, relist converges.
      double.remove('external-secrets.io/v1', 'SecretStore', 'a', 'ns1');
      double.apply(secretStore('c', 'ns1'));
      double.compact();
      await waitFor('converged', () => state.getStore('SecretStore', 'a', 'ns1') === undefined && state.getStore('SecretStore', 'c', 'ns1') !== undefined);
      assert.ok(state.getStore('SecretStore', 'b', 'ns1'));
    });
  } finally {
    await double.close();
  }
});

test('periodic resync relists', async () => {
  const double = await startKubeDouble({ objects: [namespace('ns1', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      const lists = () => double.requests.filter((r) => !r.query.watch && r.path === '/api/v1/namespaces').length;
      await waitFor('several relists', () => lists() >= 3);
    }, 150);
  } finally {
    await double.close();
  }
});

test('falls back to v1beta1 when v1 is not served', async () => {
  const double = await startKubeDouble({ esoVersions: ['v1beta1'], objects: [secretStore('legacy', 'ns1', 'kv', 'external-secrets.io/v1beta1'), namespace('ns1', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      assert.equal(state.esoVersion(), 'v1beta1');
      assert.equal(state.getStore('SecretStore', 'legacy', 'ns1')?.apiVersion, 'external-secrets.io/v1beta1');
      assert.ok(double.requests.some((r) => r.path === '/apis/external-secrets.io/v1' && r.status === 404));
      double.apply(clusterStore('new', 'external-secrets.io/v1beta1'));
      await waitFor('watch on v1beta1', () => state.getStore('ClusterSecretStore', 'new', '') !== undefined);
    });
  } finally {
    await double.close();
  }
});

test('getStoreWithFallback reads a store the cache has not seen; 404 means not found; other errors reject', async () => {
  const double = await startKubeDouble({ objects: [namespace('ns1', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      double.dropWatches();
      // Keep the cache from hearing about the new stores.
      double.failNext('GET', /^\/apis\/external-secrets.io\/v1\/(secretstores|clustersecretstores)$/, 500, 1000);
      double.apply(secretStore('fresh', 'ns1'));
      double.apply(clusterStore('fresh-cluster'));
      assert.equal(state.getStore('SecretStore', 'fresh', 'ns1'), undefined);
      const got = await state.getStoreWithFallback('SecretStore', 'fresh', 'ns1');
      assert.equal(got?.metadata?.name, 'fresh');
      assert.equal(got?.kind, 'SecretStore');
      assert.equal((await state.getStoreWithFallback('ClusterSecretStore', 'fresh-cluster', 'ns1'))?.metadata?.name, 'fresh-cluster');
      assert.equal(await state.getStoreWithFallback('SecretStore', 'absent', 'ns1'), undefined);
      double.failNext('GET', '/apis/external-secrets.io/v1/namespaces/ns1/secretstores/broken', 503);
      await assert.rejects(state.getStoreWithFallback('SecretStore', 'broken', 'ns1'));
    });
  } finally {
    await double.close();
  }
});

test('not synced while the API fails; synced after it recovers', async () => {
  const double = await startKubeDouble({ objects: [namespace('ns1', {})] });
  double.failNext('GET', '/api/v1/namespaces', 503, 3);
  try {
    await withState(double, async (state) => {
      await waitFor('first failure seen', () => double.requests.some((r) => r.path === '/api/v1/namespaces' && r.status === 503));
      assert.equal(state.hasSynced(), false);
      await waitFor('synced after retries', () => state.hasSynced());
      assert.deepEqual(state.namespaceLabels('ns1'), {});
    });
  } finally {
    await double.close();
  }
});

test('when ESO stops serving the version in use, the stores are listed again on the other one', async () => {
  const double = await startKubeDouble({ objects: [secretStore('s', 'ns1'), namespace('ns1', {})] });
  try {
    await withState(double, async (state) => {
      await waitFor('synced', () => state.hasSynced());
      assert.equal(state.esoVersion(), 'v1');
      // v1 disappears (a downgrade); lists on v1 answer 404, discovery then finds v1beta1.
      double.failNext('GET', /^\/apis\/external-secrets.io\/v1(\/.*)?$/, 404, 1000);
      double.forceNextWatch410('http', '/apis/external-secrets.io/v1/secretstores');
      double.dropWatches();
      await waitFor('switched to v1beta1', () => state.esoVersion() === 'v1beta1');
      await waitFor('listed on v1beta1', () => double.requests.some((r) => r.path === '/apis/external-secrets.io/v1beta1/secretstores' && r.status === 200));
      await waitFor('cache served from v1beta1', () => state.getStore('SecretStore', 's', 'ns1')?.apiVersion === 'external-secrets.io/v1beta1');
    });
  } finally {
    await double.close();
  }
});
