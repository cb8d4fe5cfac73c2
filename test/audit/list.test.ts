// The audit's LIST of ExternalSecrets is paged (limit/continue), so a cluster with thousands of them
// is read in bounded answers, and every page is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createKubeState } from '../../src/kube/index.js';
import { listAuditedObjects } from '../../src/audit/list.js';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { waitFor } from '../support/kube-wait.js';

const es = (i: number): KubeObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: `es-${i}`, namespace: `ns-${i % 3}` },
  spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, data: [] },
});

test('every page of ExternalSecrets is read, with apiVersion and kind filled in', async () => {
  const double = await startKubeDouble({ objects: Array.from({ length: 7 }, (_, i) => es(i)) });
  const state = createKubeState(double.kubeConfig, { logger: pino({ level: 'silent' }) });
  state.start();
  try {
    await waitFor('synced', () => state.hasSynced());
    const listed = await listAuditedObjects(double.kubeConfig, state, 3);
    assert.deepEqual(listed.externalSecrets.map((o) => o.metadata?.name).sort(), Array.from({ length: 7 }, (_, i) => `es-${i}`).sort());
    assert.ok(listed.externalSecrets.every((o) => o.apiVersion === 'external-secrets.io/v1' && o.kind === 'ExternalSecret'));
    const pages = double.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/externalsecrets') && r.query['limit'] === '3');
    assert.equal(pages.length, 3, 'three pages of at most 3');
  } finally {
    await state.close();
    await double.close();
  }
});
