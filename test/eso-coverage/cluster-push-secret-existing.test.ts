// Issue 15: a ClusterPushSecret whose PushSecret name is taken in a selected namespace by a
// PushSecret it does not control: ESO v2.9.0 (clusterpushsecret_controller.go
// updateProvisionedNamespaces, isPushSecretOwnedBy) skips that namespace with "push secret already
// exists in namespace". The webhook asks the API server (a Kubernetes double) for the one
// PushSecret; `check` knows only the PushSecrets among its files (a warning: the cluster may
// differ). A PushSecret the ClusterPushSecret controls, or none at all, is no finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, type Obj } from './scenario.js';
import { baseState, clusterStore } from './fixtures.js';

const ns = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

function state() {
  const s = baseState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string> };
  s.auth['kubernetes/']!.roles['pusher'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['push'] };
  s.policies['push'] = 'path "kv/data/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "kv/metadata/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\n';
  return s as never;
}

const spec = {
  secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
  selector: { secret: { name: 'token' } },
  data: [{ match: { secretKey: 'token', remoteRef: { remoteKey: 'pushed/token' } } }],
};

function cps(name: string, pushSecretName?: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'ClusterPushSecret',
    metadata: { name },
    spec: { ...(pushSecretName ? { pushSecretName } : {}), namespaceSelectors: [{ matchLabels: { team: 'x' } }], pushSecretSpec: spec },
  };
}

function pushSecret(namespace: string, name: string, owner?: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'PushSecret',
    metadata: {
      name,
      namespace,
      ...(owner ? { ownerReferences: [{ apiVersion: 'external-secrets.io/v1alpha1', kind: 'ClusterPushSecret', name: owner, uid: '6a1c4c1e-0000-4000-8000-000000000001', controller: true }] } : {}),
    },
    spec,
  };
}

test('ClusterPushSecret: a PushSecret of that name it does not control is ESO\'s "push secret already exists in namespace"', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const namespaces = [ns('apps', { team: 'x' }), ns('web', { team: 'x' }), ns('batch', { team: 'x' })];
  // In the cluster: apps has a hand-made "token", web one controlled by "token-everywhere", batch one controlled by another ClusterPushSecret.
  const inCluster = [pushSecret('apps', 'token'), pushSecret('web', 'token', 'token-everywhere'), pushSecret('batch', 'token', 'someone-else'), pushSecret('apps', 'token-other')];
  const taken = cps('token-everywhere', 'token');
  const free = cps('token-free', 'token-new');
  // No pushSecretName: the ClusterPushSecret's own name, taken in apps.
  const byOwnName = cps('token-other');
  const s = await scenario([...namespaces, store, taken, free, byOwnName], state(), { kubeObjects: [...namespaces, ...inCluster] });
  try {
    const t = await s.validate(taken);
    assert.equal(t.allowed, false);
    assert.match(t.message, /\[ExistingObjectNotOwned\] spec\.pushSecretName: In namespace "apps" \(PushSecret "token"\): PushSecret "token" already exists in the cluster \(controlled by no object\), .*"push secret already exists in namespace".*"one or more namespaces failed"/);
    assert.match(t.message, /In namespace "batch" \(PushSecret "token"\): PushSecret "token" already exists in the cluster \(controlled by ClusterPushSecret "someone-else"\)/);
    assert.doesNotMatch(t.message, /In namespace "web"/);
    assert.equal((await s.validate(free)).allowed, true);
    const o = await s.validate(byOwnName);
    assert.equal(o.allowed, false);
    assert.match(o.message, /\[ExistingObjectNotOwned\] metadata\.name: In namespace "apps" \(PushSecret "token-other"\)/);
  } finally {
    await s.close();
  }
});

test('check: a PushSecret among the files is a warning (the cluster may differ); one the ClusterPushSecret controls is none', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const namespaces = [ns('apps', { team: 'x' }), ns('web', { team: 'x' })];
  const taken = cps('token-everywhere', 'token');
  const s = await scenario([...namespaces, store, taken, pushSecret('apps', 'token'), pushSecret('web', 'token', 'token-everywhere')], state());
  try {
    const run = await s.check();
    const found = run.report.findings.filter((f) => f.resource.name === 'token-everywhere' && f.code === 'ExistingObjectNotOwned');
    assert.equal(found.length, 1, JSON.stringify(run.report.findings, null, 1));
    assert.equal(found[0]!.severity, 'warning');
    assert.equal(found[0]!.field, 'spec.pushSecretName');
    assert.match(found[0]!.message, /In namespace "apps" \(PushSecret "token"\): PushSecret "token" already exists among the checked files/);
    assert.equal(run.code, 0, run.stderr);
  } finally {
    await s.close();
  }
});

test('ClusterExternalSecret: an ExternalSecret of that name it does not control is ESO\'s "external secret already exists in namespace"', async () => {
  const store = clusterStore('vault');
  const namespaces = [ns('apps', { team: 'x' }), ns('web', { team: 'x' })];
  const esSpec = { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' }, data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] };
  const ces: Obj = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'db' }, spec: { namespaceSelectors: [{ matchLabels: { team: 'x' } }], externalSecretSpec: esSpec } };
  const es = (namespace: string, owner?: { apiVersion: string; name: string }): Obj => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace, ...(owner ? { ownerReferences: [{ ...owner, kind: 'ClusterExternalSecret', uid: '6a1c4c1e-0000-4000-8000-000000000002', controller: true }] } : {}) },
    spec: esSpec,
  });
  // apps: hand-made; web: controlled by "db" through another served version (ESO compares the group only).
  const s = await scenario([...namespaces, store, ces], baseState(), { kubeObjects: [...namespaces, es('apps'), es('web', { apiVersion: 'external-secrets.io/v1beta1', name: 'db' })] });
  try {
    const v = await s.validate(ces);
    assert.equal(v.allowed, false);
    assert.match(v.message, /\[ExistingObjectNotOwned\] metadata\.name: In namespace "apps" \(ExternalSecret "db"\): ExternalSecret "db" already exists in the cluster \(controlled by no object\), .*"external secret already exists in namespace".*Fix: Give the ClusterExternalSecret another name \(or set spec\.externalSecretName\)/);
    assert.doesNotMatch(v.message, /namespace "web"/);
  } finally {
    await s.close();
  }
});
