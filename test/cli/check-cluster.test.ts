// `check --stores-from cluster|both`: stores and Namespaces read once from the Kubernetes API
// (the Kubernetes double over HTTPS, through a kubeconfig file), files overriding the cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { runCli, seededVault, type JsonReport } from './check-support.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');

function manifests(): KubeObject[] {
  return parseAllDocuments(readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
}

const errorsOf = (r: { stdout: string }) =>
  (JSON.parse(r.stdout) as JsonReport).findings.filter((f) => f.severity === 'error').map((f) => `${f.resource.name}:${f.code}`).sort();

test('--stores-from cluster resolves the files\' ExternalSecrets against the cluster\'s stores; both lets files win', async () => {
  const objects = manifests();
  const stores = objects.filter((o) => o.kind === 'ClusterSecretStore');
  const externalSecrets = objects.filter((o) => o.kind === 'ExternalSecret');
  assert.ok(stores.length > 0 && externalSecrets.length > 0);
  // The cluster's copy of the store points at a mount that does not exist.
  const brokenInCluster = stores.map((s) => {
    const copy = structuredClone(s) as KubeObject & { spec: { provider: { vault: { path: string } } } };
    copy.spec.provider.vault.path = 'kv/nowhere';
    return copy;
  });
  // The example's Kubernetes auth runs in client-JWT mode: ESO's ServiceAccount holds system:auth-delegator there (its README).
  const authDelegator: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'external-secrets-tokenreview-binding' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
    subjects: [{ kind: 'ServiceAccount', name: 'external-secrets', namespace: 'external-secrets' }],
  };
  const kube = await startKubeDouble({ objects: [...brokenInCluster, authDelegator, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'myapp' } }] });
  const vault = await seededVault(KV_DEV);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'check-cluster-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfigYaml);
    const esOnly = join(dir, 'external-secrets.yaml');
    writeFileSync(esOnly, externalSecrets.map((o) => stringify(o)).join('---\n'));
    const storeFile = join(dir, 'stores.yaml');
    writeFileSync(storeFile, stores.map((o) => stringify(o)).join('---\n'));
    const base = ['--config', vault.configFile, '--allow-insecure-http', '--kubeconfig', kubeconfig, '--format', 'json'];

    const fromFiles = await runCli([esOnly, ...base]);
    assert.equal(fromFiles.code, 1, fromFiles.stderr);
    assert.ok(errorsOf(fromFiles).every((e) => e.endsWith(':StoreNotFound')), errorsOf(fromFiles).join());

    const fromCluster = await runCli([esOnly, ...base, '--stores-from', 'cluster']);
    assert.equal(fromCluster.code, 1, fromCluster.stderr);
    assert.ok(errorsOf(fromCluster).length > 0 && !errorsOf(fromCluster).some((e) => e.endsWith(':StoreNotFound')), errorsOf(fromCluster).join());
    assert.ok(kube.requests.some((q) => q.path.includes('clustersecretstores')), 'the API was asked');
    assert.ok(kube.requests.some((q) => q.path === '/apis/authorization.k8s.io/v1/subjectaccessreviews'), 'the cluster was asked about tokenreviews (client-JWT mode)');

    const both = await runCli([esOnly, storeFile, ...base, '--stores-from', 'both']);
    assert.equal(both.code, 1, both.stderr);
    assert.deepEqual(errorsOf(both), ['postgres-credentials-typo:PropertyNotFound', 'redis-credentials:SecretNotFound']);

    const unreachable = await runCli([esOnly, '--kubeconfig', join(dir, 'missing-kubeconfig'), '--stores-from', 'cluster']);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, /cannot read stores from/);
  } finally {
    await vault.close();
    await kube.close();
  }
});
