// The audit checks ClusterExternalSecrets, PushSecrets and ClusterPushSecrets too (issue 15): each
// is listed from the API (v1 / v1alpha1) and judged like at admission; its findings become Events on
// the object itself. A cluster whose CRDs do not serve a kind has nothing of it to audit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { startVaultDouble } from '../support/vault-double.js';
import { apiDbSingle as apiDb, baseObjects, eventsIn, metricTotal, startInstance, VAULT_STATE } from './harness.js';

const pushSecret: KubeObject = {
  apiVersion: 'external-secrets.io/v1alpha1',
  kind: 'PushSecret',
  metadata: { name: 'push-token', namespace: 'team-a' },
  spec: {
    secretStoreRefs: [{ kind: 'SecretStore', name: 'vault' }],
    selector: { secret: { name: 'token' } },
    data: [{ match: { secretKey: 'token', remoteRef: { remoteKey: 'team-a/pushed' } } }],
  },
};

const clusterPushSecret: KubeObject = {
  apiVersion: 'external-secrets.io/v1alpha1',
  kind: 'ClusterPushSecret',
  metadata: { name: 'push-everywhere' },
  spec: { namespaceSelectors: [{ matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }], pushSecretSpec: pushSecret['spec'] },
};

const clusterExternalSecret: KubeObject = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterExternalSecret',
  metadata: { name: 'db-everywhere' },
  spec: {
    namespaces: ['team-a'],
    externalSecretSpec: { secretStoreRef: { kind: 'SecretStore', name: 'vault' }, target: { name: 'db' }, data: [{ secretKey: 'p', remoteRef: { key: 'team-a/db', property: 'passwrod' } }] },
  },
};

test('audit: PushSecret, ClusterPushSecret and ClusterExternalSecret findings become Events on the objects', async () => {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({ objects: [...baseObjects(), pushSecret, clusterPushSecret, clusterExternalSecret] });
  const a = await startInstance(vault, kube, { identity: 'replica-a' });
  try {
    const report = await a.audit.runOnce();
    const codes = (name: string) => report.findings.filter((f) => f.resource.name === name && f.severity === 'error').map((f) => `${f.code} ${f.field}`);
    // The team-a role reads apps/team-a/* only: ESO's first write of a new secret needs create.
    // (the metadata marker, then the data).
    assert.deepEqual(codes('push-token'), ['PolicyDenied spec.data[0].match.remoteRef.remoteKey', 'PolicyDenied spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(codes('push-everywhere'), ['PolicyDenied spec.pushSecretSpec.data[0].match.remoteRef.remoteKey', 'PolicyDenied spec.pushSecretSpec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(codes('db-everywhere'), ['PropertyNotFound spec.externalSecretSpec.data[0].remoteRef.property']);
    const onPush = eventsIn(kube, 'team-a').filter((e) => e.involvedObject?.name === 'push-token');
    assert.equal(onPush.length, 2);
    assert.equal(onPush[0]!.involvedObject?.kind, 'PushSecret');
    assert.equal(onPush[0]!.involvedObject?.uid, kube.get('external-secrets.io/v1alpha1', 'PushSecret', 'push-token', 'team-a')?.metadata.uid);
    // Cluster-scoped objects: their Events go to the recorder's namespace for cluster-scoped objects.
    const clusterEvents = eventsIn(kube, 'default').filter((e) => e.involvedObject?.kind === 'ClusterPushSecret' || e.involvedObject?.kind === 'ClusterExternalSecret');
    assert.deepEqual(clusterEvents.map((e) => `${e.involvedObject?.kind} ${e.reason}`).sort(), ['ClusterExternalSecret PropertyNotFound', 'ClusterPushSecret PolicyDenied', 'ClusterPushSecret PolicyDenied']);
    assert.match(clusterEvents.find((e) => e.involvedObject?.kind === 'ClusterExternalSecret')?.message ?? '', /In namespace "team-a" \(ExternalSecret "db-everywhere"\)/);
  } finally {
    await a.close();
    await Promise.all([kube.close(), vault.close()]);
  }
});

test('audit: CRDs that serve no PushSecret or ClusterExternalSecret leave nothing of them to audit, and the pass completes', async () => {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({ unservedEsoResources: ['pushsecrets', 'clusterpushsecrets', 'clusterexternalsecrets'], objects: [...baseObjects(), apiDb()] });
  const a = await startInstance(vault, kube, { identity: 'replica-a' });
  try {
    const report = await a.audit.runOnce();
    assert.ok(kube.requests.some((r) => r.path.endsWith('/v1alpha1/pushsecrets') && r.status === 404), 'the PushSecret list was asked for and answered 404');
    assert.ok(report.findings.every((f) => f.resource.kind !== 'PushSecret'));
    assert.equal(await metricTotal(a.registry, 'eso_vault_guard_audit_passes_total', { result: 'complete' }), 1);
  } finally {
    await a.close();
    await Promise.all([kube.close(), vault.close()]);
  }
});
