import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { KUBE_CONFIG_DEFAULTS, startKube } from '../../src/kube/index.js';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { waitFor } from '../support/kube-wait.js';

const logger = pino({ level: 'silent' });
const hooks = (kind: string): KubeObject => ({
  apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: 'eso-vault-guard' },
  webhooks: [{ name: 'x.eso-vault-guard.io', clientConfig: { service: { name: 'eso-vault-guard', namespace: 'eso-vault-guard', port: 443 } } }],
});
const kube = { ...KUBE_CONFIG_DEFAULTS, leaseRenewMs: 100, leaseDurationMs: 1000 };
const tls = { serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard' };

test('self-signed mode: shared Secret, caBundle set, cache synced, leader elected', async () => {
  const double = await startKubeDouble({ objects: [hooks('ValidatingWebhookConfiguration'), hooks('MutatingWebhookConfiguration')] });
  try {
    const runtime = await startKube({ kubeConfig: double.kubeConfig, kube, tls, identity: 'pod-1', logger });
    try {
      assert.ok(runtime.tlsSource);
      const ca = runtime.tlsSource.current().ca!;
      const bundle = (kind: string) => (double.get('admissionregistration.k8s.io/v1', kind, 'eso-vault-guard')!.webhooks as { clientConfig: { caBundle?: string } }[])[0]!.clientConfig.caBundle;
      assert.equal(bundle('ValidatingWebhookConfiguration'), Buffer.from(ca).toString('base64'));
      assert.equal(bundle('MutatingWebhookConfiguration'), Buffer.from(ca).toString('base64'));
      assert.ok(double.get('v1', 'Secret', kube.tlsSecretName, tls.namespace));
      await waitFor('synced', () => runtime.state.hasSynced());
      await waitFor('leader', () => runtime.leader.isLeader());
    } finally {
      await runtime.close();
    }
  } finally {
    await double.close();
  }
});

test('cert files configured (cert-manager): no Secret, no caBundle patch', async () => {
  const double = await startKubeDouble({ objects: [hooks('ValidatingWebhookConfiguration'), hooks('MutatingWebhookConfiguration')] });
  try {
    const runtime = await startKube({ kubeConfig: double.kubeConfig, kube, tls: { ...tls, certFile: '/etc/eso-vault-guard/tls/tls.crt' }, identity: 'pod-1', logger });
    try {
      assert.equal(runtime.tlsSource, undefined);
      await waitFor('synced', () => runtime.state.hasSynced());
      assert.ok(!double.requests.some((r) => r.method === 'PATCH' || /^\/api\/v1\/namespaces\/[^/]+\/secrets/.test(r.path)));
    } finally {
      await runtime.close();
    }
  } finally {
    await double.close();
  }
});
