// Issue 15 item 13: Kubernetes auth in client-JWT mode (no token_reviewer_jwt, disable_local_ca_jwt =
// true). Vault reviews ESO's token with that token, so the ServiceAccount ESO logs in as must be
// allowed to create tokenreviews. The webhook asks the API server (the Kubernetes double, which
// answers SubjectAccessReviews from its ClusterRoleBindings) through the real HTTPS /validate;
// `check --stores-from cluster` asks the same; `check` without a cluster says it once per store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import { createKubeTokenReviewAccess } from '../../src/kube/token-review-access.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { postAdmission } from '../support/https-client.js';
import { startKubeDouble, type KubeDouble, type KubeObject } from '../support/kube-double.js';
import { startTestServers } from '../server/harness.js';
import { DEFAULT_AUDIENCES, manifestLookup, startFacts } from '../checks/support/example-harness.js';
import { runCli, seededVault, type JsonReport } from '../cli/check-support.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';
import type { Obj } from './scenario.js';

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const FIX = 'kubectl create clusterrolebinding apps-eso-tokenreview-binding --clusterrole=system:auth-delegator --serviceaccount=apps:eso';

function clientJwtState(): Obj {
  const state = baseState() as unknown as { auth: Record<string, { config: Record<string, unknown>; roles: Record<string, Record<string, unknown>> }> };
  state.auth['kubernetes/']!.config = { kubernetes_host: 'https://10.0.0.1:6443', disable_local_ca_jwt: true };
  // Role "app" binds ServiceAccount apps/eso, the one the stores below name.
  state.auth['kubernetes/']!.roles['app'] = { bound_service_account_names: ['eso'], bound_service_account_namespaces: ['apps'], token_policies: ['app-read'] };
  return state as unknown as Obj;
}

/** A ClusterSecretStore that logs in as apps/eso (serviceAccountRef), and one as ESO's own ServiceAccount. */
const refStore = clusterStore('vault', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'app', serviceAccountRef: { name: 'eso', namespace: 'apps' } } } });
const controllerStore = clusterStore('vault-own-sa');
const es = externalSecret('db', { data: [
  { secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } },
  { secretKey: 'u', remoteRef: { key: 'app/db', property: 'username' } },
] });
const esOwn = externalSecret('db-own', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] }, 'apps', 'vault-own-sa');

const authDelegator = (name: string, sa: { name: string; namespace: string }): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
  subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
});

interface Answer { allowed: boolean; code?: number; message: string; warnings: string[] }

async function webhook(kube: KubeDouble, failureMode: 'failOpen' | 'failClosed' = 'failOpen') {
  const dir = mkdtempSync(join(tmpdir(), 'client-jwt-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(clientJwtState()));
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  const handlers = createAdmissionHandlers({
    facts, lookup: manifestLookup([refStore, controllerStore]), mode: 'enforce', failureMode, defaultAudiences: DEFAULT_AUDIENCES,
    tokenReviews: createKubeTokenReviewAccess(kube.kubeConfig),
  });
  const servers = await startTestServers({ handlers });
  return {
    async validate(obj: Obj): Promise<Answer> {
      const r = await postAdmission(servers.webhookPort, '/validate', admissionReview(obj), servers.ca);
      const res = r.body.response;
      return { allowed: res.allowed, ...(res.status?.code !== undefined ? { code: res.status.code } : {}), message: res.status?.message ?? '', warnings: res.warnings ?? [] };
    },
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

const sarCount = (kube: KubeDouble) => kube.requests.filter((q) => q.method === 'POST' && q.path === SAR_PATH).length;

test('client-JWT, /validate: a ServiceAccount bound to system:auth-delegator passes with nothing to say; the review is asked once and kept', async () => {
  const kube = await startKubeDouble({ objects: [authDelegator('apps-eso-tokenreview-binding', { name: 'eso', namespace: 'apps' }), authDelegator('eso-own', { name: 'external-secrets', namespace: 'external-secrets' })] });
  const w = await webhook(kube);
  try {
    for (const obj of [refStore, es, controllerStore, esOwn]) {
      const v = await w.validate(obj);
      assert.equal(v.allowed, true, v.message);
      assert.deepEqual(v.warnings.filter((x) => /tokenreview|NotVerifiable|Not checked/i.test(x)), [], `${JSON.stringify(obj['metadata'])}: ${v.warnings.join('\n')}`);
    }
    // One review per ServiceAccount (apps/eso, external-secrets/external-secrets), however many objects use it.
    assert.equal(sarCount(kube), 2);
    await w.validate(es);
    assert.equal(sarCount(kube), 2, 'the answer is kept for the next admission');
  } finally {
    await w.close();
    await kube.close();
  }
});

test('client-JWT, /validate: a ServiceAccount without the binding is TokenReviewNotPermitted, on the store and once on each ExternalSecret, with the ClusterRoleBinding to create', async () => {
  // Only ESO's own ServiceAccount is bound: apps/eso is not.
  const kube = await startKubeDouble({ objects: [authDelegator('eso-own', { name: 'external-secrets', namespace: 'external-secrets' })] });
  const w = await webhook(kube);
  try {
    const store = await w.validate(refStore);
    assert.equal(store.allowed, false);
    assert.match(store.message, /\[TokenReviewNotPermitted\] spec\.provider\.vault\.auth\.kubernetes\.serviceAccountRef: Vault's Kubernetes auth at "kubernetes" has no token_reviewer_jwt and disable_local_ca_jwt = true/);
    assert.match(store.message, /ServiceAccount apps\/eso is expected to be allowed to create tokenreviews\.authentication\.k8s\.io \(ClusterRole system:auth-delegator\), found the API server denies it/);
    assert.ok(store.message.includes('Code: 403. Errors: * permission denied'), store.message);
    assert.ok(store.message.includes('Kubernetes answers Vault\'s TokenReview: tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:apps:eso" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope'), store.message);
    assert.ok(store.message.endsWith(`Fix: ${FIX}`), store.message);

    const ref = await w.validate(es);
    assert.equal(ref.allowed, false);
    // Two references through the store: one finding, on the store reference.
    assert.equal(ref.message.split('[TokenReviewNotPermitted]').length - 1, 1, ref.message);
    assert.match(ref.message, /\[TokenReviewNotPermitted\] spec\.secretStoreRef: /);
    assert.ok(ref.message.includes(`Fix: ${FIX}`), ref.message);
    // The login fails, so nothing past it (policies, secrets) is judged.
    assert.doesNotMatch(ref.message, /PolicyDenied|PropertyNotFound/);

    // The bound controller ServiceAccount through the other store: allowed.
    const own = await w.validate(esOwn);
    assert.equal(own.allowed, true, own.message);

    // Creating the binding fixes it once the kept answer has expired (a fresh webhook here).
    kube.apply(authDelegator('apps-eso-tokenreview-binding', { name: 'eso', namespace: 'apps' }));
    const w2 = await webhook(kube);
    try {
      assert.equal((await w2.validate(es)).allowed, true);
    } finally {
      await w2.close();
    }
  } finally {
    await w.close();
    await kube.close();
  }
});

test('client-JWT, /validate: a SubjectAccessReview that fails (API error, the webhook forbidden) is could-not-check, never a finding', async () => {
  const kube = await startKubeDouble();
  const w = await webhook(kube);
  try {
    kube.failNext('POST', SAR_PATH, 500, 2);
    const store = await w.validate(refStore);
    assert.equal(store.allowed, true, store.message);
    assert.ok(!store.warnings.some((x) => x.includes('TokenReviewNotPermitted')), store.warnings.join('\n'));
    assert.ok(store.warnings.some((x) => x.startsWith('Not checked against Vault (allowed, failOpen): whether ServiceAccount apps/eso may create tokenreviews') && x.includes('could not be asked of the Kubernetes API (HTTP 500')), store.warnings.join('\n'));
    const ref = await w.validate(es);
    assert.equal(ref.allowed, true, ref.message);
    assert.ok(ref.warnings.some((x) => x.includes('could not be asked of the Kubernetes API')), ref.warnings.join('\n'));

    // A failure is not kept: the next admission asks again (and here gets "denied": no binding).
    const again = await w.validate(refStore);
    assert.equal(again.allowed, false);
    assert.match(again.message, /\[TokenReviewNotPermitted\]/);
  } finally {
    await w.close();
  }
  const closed = await webhook(kube, 'failClosed');
  try {
    kube.failNext('POST', SAR_PATH, 403, 1);
    const v = await closed.validate(controllerStore);
    assert.equal(v.allowed, false);
    assert.equal(v.code, 500);
    assert.match(v.message, /could not be checked against Vault: whether ServiceAccount external-secrets\/external-secrets may create tokenreviews .*the webhook may not create subjectaccessreviews\.authorization\.k8s\.io \(RBAC\)/);
    assert.doesNotMatch(v.message, /TokenReviewNotPermitted/);
  } finally {
    await closed.close();
    await kube.close();
  }
});

test('client-JWT, /validate: with a reviewer JWT Vault reviews with its own token, so nothing is asked', async () => {
  const kube = await startKubeDouble();
  const dir = mkdtempSync(join(tmpdir(), 'client-jwt-reviewer-'));
  const state = clientJwtState() as unknown as { auth: Record<string, { config: Record<string, unknown> }> };
  state.auth['kubernetes/']!.config = { kubernetes_host: 'https://10.0.0.1:6443', disable_local_ca_jwt: true, token_reviewer_jwt: 'fake-reviewer' };
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(state));
  const { double, facts } = await startFacts(join(dir, 'vault-state.json'));
  const handlers = createAdmissionHandlers({ facts, lookup: manifestLookup([refStore]), mode: 'enforce', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES, tokenReviews: createKubeTokenReviewAccess(kube.kubeConfig) });
  const servers = await startTestServers({ handlers });
  try {
    const r = await postAdmission(servers.webhookPort, '/validate', admissionReview(refStore), servers.ca);
    assert.equal(r.body.response.allowed, true);
    assert.deepEqual(r.body.response.warnings ?? [], []);
    assert.equal(sarCount(kube), 0);
  } finally {
    await servers.close();
    await facts.close();
    await double.close();
    await kube.close();
  }
});

test('client-JWT, check: --stores-from cluster asks the cluster (exit 1 without the binding, 0 with it); without a cluster one NotVerifiable per store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-jwt-check-'));
  writeFileSync(join(dir, 'vault-state.json'), JSON.stringify(clientJwtState()));
  const vault = await seededVault(dir);
  const kube = await startKubeDouble({ objects: [refStore as KubeObject, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } }] });
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kube.kubeconfigYaml);
    const esFile = join(dir, 'es.yaml');
    writeFileSync(esFile, stringify(es));
    const base = ['--config', vault.configFile, '--allow-insecure-http', '--format', 'json'];

    const denied = await runCli([esFile, ...base, '--kubeconfig', kubeconfig, '--stores-from', 'cluster']);
    assert.equal(denied.code, 1, denied.stderr);
    const deniedReport = JSON.parse(denied.stdout) as JsonReport;
    const errors = deniedReport.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => `${f.resource.name} ${f.code} ${f.field}`), ['db TokenReviewNotPermitted spec.secretStoreRef']);
    assert.equal(errors[0]!.hint, FIX);

    kube.apply(authDelegator('apps-eso-tokenreview-binding', { name: 'eso', namespace: 'apps' }));
    const allowed = await runCli([esFile, ...base, '--kubeconfig', kubeconfig, '--stores-from', 'cluster']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual((JSON.parse(allowed.stdout) as JsonReport).findings, []);

    // No cluster: the files' store says it once; the ExternalSecrets say nothing about it.
    const both = join(dir, 'both.yaml');
    writeFileSync(both, [refStore, es, esOwn, controllerStore].map((o) => stringify(o)).join('---\n'));
    const offline = await runCli([both, ...base]);
    assert.equal(offline.code, 0, offline.stderr);
    const infos = (JSON.parse(offline.stdout) as JsonReport).findings.filter((f) => /tokenreviews/.test(f.message));
    assert.deepEqual(infos.map((f) => `${f.resource.kind} ${f.resource.name} ${f.severity} ${f.code} ${f.field}`).sort(), [
      'ClusterSecretStore vault info NotVerifiable spec.provider.vault.auth.kubernetes.serviceAccountRef',
      'ClusterSecretStore vault-own-sa info NotVerifiable spec.provider.vault.auth.kubernetes',
    ]);
    assert.match(infos[0]!.message, /Not verified: no Kubernetes API to ask/);
  } finally {
    await kube.close();
    await vault.close();
  }
});
