// `explain --offline` for ClusterExternalSecret, PushSecret and ClusterPushSecret (issue 15): the
// object ESO creates per selected namespace, and each push's reads and writes, through the compiled
// CLI's program (in-process, stdin given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplainEntry } from '../../src/eso/explain.js';
import { runCommand } from '../support/cli.js';

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: apps, labels: {team: x}}
---
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: vault-push, labels: {push: "yes"}}
spec: {provider: {vault: {server: "https://v:8200", path: kv, version: v2, auth: {kubernetes: {mountPath: kubernetes, role: pusher}}}}}
---
apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata: {name: by-label, namespace: apps}
spec:
  deletionPolicy: Delete
  secretStoreRefs: [{kind: ClusterSecretStore, labelSelector: {matchLabels: {push: "yes"}}}]
  selector: {secret: {name: local}}
  data: [{match: {secretKey: token, remoteRef: {remoteKey: pushed/token}}}]
  dataTo: [{storeRef: {kind: ClusterSecretStore, labelSelector: {matchLabels: {push: "yes"}}}}]
---
apiVersion: external-secrets.io/v1alpha1
kind: PushSecret
metadata: {name: unlisted, namespace: apps}
spec:
  secretStoreRefs: [{kind: ClusterSecretStore, labelSelector: {matchLabels: {push: "yes"}}}]
  selector: {secret: {name: local}}
  dataTo: [{storeRef: {kind: ClusterSecretStore, name: vault-push}, remoteKey: pushed/all}]
---
apiVersion: external-secrets.io/v1alpha1
kind: ClusterPushSecret
metadata: {name: cps}
spec:
  pushSecretName: token
  namespaceSelectors: [{matchLabels: {team: x}}]
  pushSecretSpec:
    secretStoreRefs: [{kind: ClusterSecretStore, name: vault-push}]
    selector: {secret: {name: local}}
    data: [{match: {secretKey: token, remoteRef: {remoteKey: pushed/token, property: t}}}]
---
apiVersion: external-secrets.io/v1
kind: ClusterExternalSecret
metadata: {name: ces}
spec:
  namespaces: [apps, web, ghost]
  externalSecretSpec:
    secretStoreRef: {kind: ClusterSecretStore, name: vault-push}
    data: [{secretKey: a, remoteRef: {key: app/db, property: password}}]
`;

async function explain(format: 'json' | 'text'): Promise<string> {
  const r = await runCommand(['explain', '--offline', '-', '--format', format], { input: MANIFESTS });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test('explain: PushSecret pushes per store and entry, per-key dataTo, ESO\'s dataTo validation', async () => {
  const entries = JSON.parse(await explain('json')) as ExplainEntry[];
  const push = entries.find((e) => e.resource.name === 'by-label' && e.field === 'spec.data[0].match.remoteRef.remoteKey');
  assert.ok(push, 'the data entry is explained through the store its labelSelector picks');
  assert.deepEqual(push.store, { kind: 'ClusterSecretStore', name: 'vault-push' });
  assert.deepEqual(push.requests.map((q) => `${q.method} ${q.path} ${q.capability}`), [
    'GET /v1/kv/data/pushed/token read',
    'GET /v1/kv/metadata/pushed/token read',
    'PUT /v1/kv/metadata/pushed/token create (new) or update (existing)',
    'PUT /v1/kv/data/pushed/token create (new) or update (existing)',
    'DELETE /v1/kv/data/pushed/token delete',
    'DELETE /v1/kv/metadata/pushed/token delete',
  ]);
  const perKey = entries.find((e) => e.resource.name === 'by-label' && e.field === 'spec.dataTo[0]');
  assert.equal(perKey?.referenceKind, 'push-per-key');
  assert.deepEqual(perKey?.perKey?.map((k) => `${k.method} ${k.pathPattern}`), ['GET kv/data/<key>', 'PUT kv/metadata/<key>', 'PUT kv/data/<key>']);
  // A named dataTo storeRef must be a named secretStoreRefs entry; a labelSelector entry does not count.
  const unlisted = entries.find((e) => e.resource.name === 'unlisted' && e.referenceKind === 'resource');
  assert.deepEqual(unlisted?.problems.map((p) => p.message), ['dataTo[0]: storeRef "vault-push" not found in secretStoreRefs']);
});

test('explain: ClusterExternalSecret and ClusterPushSecret per selected existing namespace', async () => {
  const entries = JSON.parse(await explain('json')) as ExplainEntry[];
  const ces = entries.filter((e) => e.resource.kind === 'ClusterExternalSecret');
  // "ghost" is named but does not exist among the manifests' namespaces: ESO creates nothing there.
  assert.deepEqual(ces.map((e) => `${e.createdIn?.namespace} ${e.field} ${e.requests[0]?.field}`), [
    'apps spec.externalSecretSpec.data[0] spec.externalSecretSpec.data[0].remoteRef.key',
    'web spec.externalSecretSpec.data[0] spec.externalSecretSpec.data[0].remoteRef.key',
  ]);
  const cps = entries.filter((e) => e.resource.kind === 'ClusterPushSecret');
  assert.deepEqual(cps.map((e) => [e.createdIn, e.field, e.property]), [[{ namespace: 'apps', kind: 'PushSecret', name: 'token' }, 'spec.pushSecretSpec.data[0].match.remoteRef.remoteKey', 't']]);
  const text = await explain('text');
  assert.match(text, /ClusterPushSecret cps spec\.pushSecretSpec\.data\[0\]\.match\.remoteRef\.remoteKey \(push\)\n {2}creates: {4}PushSecret apps\/token\n/);
  assert.match(text, / {2}per key: {4}PUT \/v1\/kv\/data\/<key> \(needs "create or update", write the data\)/);
});
