// /mutate must neither change what ESO does nor reveal more than /validate (issue 14 items 7, 8).
// Every field the webhook once filled has a meaning in ESO when absent, so /mutate patches nothing;
// these are the attacks and faults that proved it, replayed over HTTPS against the Vault double.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { postAdmission } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { startTestServers } from '../server/harness.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const JWT = join(OWN_EXAMPLES_DIR, 'jwt-service-account-token');
const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

async function webhook(example: string, extra: Obj[] = []) {
  const { double, facts } = await startFacts(join(example, 'vault-state.json'));
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup([...loadManifests(example), ...extra]),
    mode: 'enforce',
    failureMode: 'failOpen',
    defaultAudiences: DEFAULT_AUDIENCES,
  });
  const servers = await startTestServers({ handlers });
  return {
    double,
    post: (path: '/validate' | '/mutate', review: unknown) => postAdmission(servers.webhookPort, path, review, servers.ca),
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

test('a namespaced SecretStore naming another team\'s JWT role learns its bound audience from neither /mutate nor /validate', async () => {
  const w = await webhook(JWT);
  try {
    // team-a points at the platform's role "eso-prod" (bound audience https://vault.example.internal).
    const store = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'probe', namespace: 'team-a' },
      spec: { provider: { vault: { server: 'https://vault.example.internal:8200', path: 'kv', version: 'v2', auth: { jwt: { path: 'jwt-k8s', role: 'eso-prod', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'default' } } } } } } },
    };
    const before = w.double.requests.length;
    const mutated = await w.post('/mutate', admissionReview(store, { uid: 'm' }));
    assert.equal(mutated.status, 200);
    assert.equal(mutated.body.response.allowed, true);
    assert.equal(mutated.body.response.patch, undefined, 'no patch');
    assert.equal(mutated.body.response.patchType, undefined);
    assert.ok(!mutated.text.includes('vault.example.internal"]') && !mutated.text.includes('https://vault.example.internal'), mutated.text);
    assert.equal(w.double.requests.length, before, '/mutate asks Vault nothing');
    const validated = await w.post('/validate', admissionReview(store, { uid: 'v' }));
    assert.equal(validated.status, 200);
    assert.ok(!validated.text.includes('https://vault.example.internal'), `validate hides the audience too: ${validated.text}`);
  } finally {
    await w.close();
  }
});

test('a ClusterSecretStore whose serviceAccountRef has no namespace is not pinned to one namespace', async () => {
  const w = await webhook(JWT);
  try {
    const store = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'per-namespace' },
      spec: { provider: { vault: { server: 'https://vault.example.internal:8200', path: 'kv', version: 'v2', auth: { jwt: { path: 'jwt-k8s', role: 'eso-prod', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'external-secrets', audiences: ['https://vault.example.internal'] } } } } } } },
    };
    const mutated = await w.post('/mutate', admissionReview(store));
    assert.equal(mutated.body.response.patch, undefined, 'ESO reads the absent namespace as each ExternalSecret\'s own: it stays absent');
    assert.deepEqual(mutated.body.response.warnings ?? [], []);
  } finally {
    await w.close();
  }
});

test('an ExternalSecret whose omitted kind finds only a ClusterSecretStore is not re-pointed; /validate says StoreNotFound with the hint', async () => {
  const w = await webhook(CLASSIC);
  try {
    const obj = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'apps' },
      spec: { secretStoreRef: { name: 'vault-backend' }, target: { name: 'db' }, data: [{ secretKey: 'v', remoteRef: { key: 'app/db', property: 'password' } }] },
    };
    const mutated = await w.post('/mutate', admissionReview(obj));
    assert.equal(mutated.body.response.patch, undefined);
    const validated = await w.post('/validate', admissionReview(obj));
    assert.equal(validated.body.response.allowed, false);
    assert.match(validated.body.response.status?.message ?? '', /\[StoreNotFound\][\s\S]*set spec\.secretStoreRef\.kind: ClusterSecretStore/);
  } finally {
    await w.close();
  }
});

test('ClusterSecretStore without serviceAccountRef.namespace is judged in each ExternalSecret\'s namespace', async () => {
  // eso-prod binds the namespace claim by glob "external-*": the same store is fine for an
  // ExternalSecret in external-payments and wrong for one in team-a.
  const store = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'per-namespace' },
    spec: { provider: { vault: { server: 'https://vault.example.internal:8200', path: 'kv', version: 'v2', auth: { jwt: { path: 'jwt-k8s', role: 'eso-prod', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'external-secrets', audiences: ['https://vault.example.internal'] } } } } } } },
  };
  const w = await webhook(JWT, [store]);
  try {
    const es = (namespace: string) => ({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'stripe', namespace },
      spec: { secretStoreRef: { name: 'per-namespace', kind: 'ClusterSecretStore' }, target: { name: 'stripe' }, data: [{ secretKey: 'k', remoteRef: { key: 'prod/payments/stripe', property: 'api-key' } }] },
    });
    const own = await w.post('/validate', admissionReview(es('external-payments')));
    const other = await w.post('/validate', admissionReview(es('team-a')));
    assert.equal(own.body.response.allowed, false, 'bound_subject names external-secrets/external-secrets only');
    assert.match(own.body.response.status?.message ?? '', /RoleBindingMismatch/);
    assert.match(own.body.response.status?.message ?? '', /external-payments/);
    assert.match(other.body.response.status?.message ?? '', /team-a/);
    assert.doesNotMatch(other.body.response.status?.message ?? '', /external-payments/);
    // The ServiceAccount ESO uses for the namespace it is in passes.
    const home = await w.post('/validate', admissionReview(es('external-secrets')));
    assert.equal(home.body.response.allowed, true, home.text);
  } finally {
    await w.close();
  }
});
