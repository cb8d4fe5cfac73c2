// Issue 15 item 13 (first part): Kubernetes auth in client-JWT mode (no token_reviewer_jwt,
// disable_local_ca_jwt = true) is read from the auth mount's config; that ESO's ServiceAccount may
// create tokenreviews is reported as not verified (the SubjectAccessReview is still to come).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

test('client-JWT mode: an info naming the ServiceAccount and the ClusterRoleBinding, through /validate and check; never a denial', async () => {
  const state = baseState() as unknown as { auth: Record<string, { config: Record<string, unknown> }> };
  state.auth['kubernetes/']!.config = { kubernetes_host: 'https://10.0.0.1:6443', disable_local_ca_jwt: true };
  const store = clusterStore('vault');
  const es = externalSecret('db', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] });
  const s = await scenario([store, es], state as never);
  try {
    const v = await s.validate(es);
    assert.equal(v.allowed, true, v.message);
    assert.ok(v.warnings.some((w) => w.startsWith('[NotVerifiable] spec.secretStoreRef: Vault\'s Kubernetes auth at "kubernetes" has no token_reviewer_jwt and disable_local_ca_jwt = true')
      && w.includes('ServiceAccount external-secrets/external-secrets must be allowed to create tokenreviews.authentication.k8s.io')), v.warnings.join('\n'));
    const run = await s.check();
    assert.equal(run.code, 0, run.stderr);
    const info = run.report.findings.find((f) => f.resource.name === 'vault' && f.code === 'NotVerifiable' && f.field === 'spec.provider.vault.auth.kubernetes.mountPath');
    assert.match(info?.hint ?? '', /kubectl create clusterrolebinding external-secrets-tokenreview-binding --clusterrole=system:auth-delegator --serviceaccount=external-secrets:external-secrets/);
  } finally {
    await s.close();
  }
  // With a reviewer JWT Vault reviews with its own token: nothing to say.
  const withReviewer = baseState() as unknown as { auth: Record<string, { config: Record<string, unknown> }> };
  withReviewer.auth['kubernetes/']!.config = { kubernetes_host: 'https://10.0.0.1:6443', disable_local_ca_jwt: true, token_reviewer_jwt: 'fake-reviewer' };
  const s2 = await scenario([store, es], withReviewer as never);
  try {
    const v = await s2.validate(es);
    assert.ok(!v.warnings.some((w) => w.includes('tokenreviews')), v.warnings.join('\n'));
  } finally {
    await s2.close();
  }
});
