import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { pino } from 'pino';
import { bootstrapSharedCertificate, sharedCertificateTlsSource, startCaBundleInjector } from '../../src/kube/index.js';
import { startKubeDouble, type KubeObject } from '../support/kube-double.js';
import { waitFor } from '../support/kube-wait.js';

const logger = pino({ level: 'silent' });
const certOpts = { namespace: 'eso-vault-guard', secretName: 'eso-vault-guard-tls', serviceName: 'eso-vault-guard', logger };

function webhookConfig(kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration', name: string, hooks: string[]): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name },
    webhooks: hooks.map((h) => ({
      name: h, admissionReviewVersions: ['v1'], sideEffects: 'None',
      clientConfig: { service: { name: 'eso-vault-guard', namespace: 'eso-vault-guard', path: kind.startsWith('V') ? '/validate' : '/mutate', port: 443 } },
    })),
  };
}

test('two replicas bootstrapping at once share one CA and serving certificate (first writer wins)', async () => {
  const double = await startKubeDouble();
  try {
    const [a, b] = await Promise.all([bootstrapSharedCertificate(double.kubeConfig, certOpts), bootstrapSharedCertificate(double.kubeConfig, certOpts)]);
    assert.equal(a.cert, b.cert);
    assert.equal(a.ca, b.ca);
    assert.equal(a.key, b.key);
    const creates = double.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/secrets'));
    assert.equal(creates.length, 2);
    assert.deepEqual(creates.map((r) => r.status).sort(), [201, 409]);
    const cert = new X509Certificate(a.cert);
    assert.ok(cert.verify(new X509Certificate(a.ca).publicKey), 'signed by the shared CA');
    for (const n of ['eso-vault-guard', 'eso-vault-guard.eso-vault-guard', 'eso-vault-guard.eso-vault-guard.svc', 'eso-vault-guard.eso-vault-guard.svc.cluster.local']) {
      assert.ok(cert.subjectAltName?.includes(`DNS:${n}`), `SAN ${n}`);
    }
    const secret = double.get('v1', 'Secret', 'eso-vault-guard-tls', 'eso-vault-guard');
    assert.equal(secret?.type, 'kubernetes.io/tls');
    // A later replica reads the stored one and writes nothing.
    const c = await bootstrapSharedCertificate(double.kubeConfig, certOpts);
    assert.equal(c.cert, a.cert);
    assert.equal(double.requests.filter((r) => r.method === 'POST' || r.method === 'PUT').length, 2);
  } finally {
    await double.close();
  }
});

test('a certificate due for renewal is replaced by update with resourceVersion, keeping the CA', async () => {
  const double = await startKubeDouble();
  try {
    const first = await bootstrapSharedCertificate(double.kubeConfig, certOpts);
    // Renew when less than 2 years remain: the 1-year certificate is due, the 10-year CA is not.
    const renewed = await bootstrapSharedCertificate(double.kubeConfig, { ...certOpts, renewBeforeMs: 2 * 365 * 24 * 3600 * 1000 });
    assert.notEqual(renewed.cert, first.cert);
    assert.equal(renewed.ca, first.ca);
    const put = double.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.status, 200);
  } finally {
    await double.close();
  }
});

test('the TLS source follows a certificate another replica renewed', async () => {
  const double = await startKubeDouble();
  try {
    const source = await sharedCertificateTlsSource(double.kubeConfig, { ...certOpts, pollMs: 50 });
    let changes = 0;
    source.onChange(() => { changes += 1; });
    const before = source.current().cert;
    await bootstrapSharedCertificate(double.kubeConfig, { ...certOpts, renewBeforeMs: 2 * 365 * 24 * 3600 * 1000 });
    await waitFor('new certificate picked up', () => source.current().cert !== before);
    assert.ok(changes >= 1);
    source.close();
  } finally {
    await double.close();
  }
});

test('caBundle is set on every webhook entry and set again after someone resets it', async () => {
  const double = await startKubeDouble({
    objects: [
      webhookConfig('ValidatingWebhookConfiguration', 'eso-vault-guard', ['validate.eso-vault-guard.io', 'validate-stores.eso-vault-guard.io']),
      webhookConfig('MutatingWebhookConfiguration', 'eso-vault-guard', ['mutate.eso-vault-guard.io']),
      webhookConfig('ValidatingWebhookConfiguration', 'someone-else', ['other.example.io']),
    ],
  });
  try {
    const material = await bootstrapSharedCertificate(double.kubeConfig, certOpts);
    const wanted = Buffer.from(material.ca).toString('base64');
    const injector = startCaBundleInjector(double.kubeConfig, {
      validatingWebhookConfiguration: 'eso-vault-guard', mutatingWebhookConfiguration: 'eso-vault-guard', caPem: () => material.ca, checkIntervalMs: 50, logger,
    });
    try {
      await injector.syncNow();
      const bundles = (kind: string, name: string) =>
        ((double.get('admissionregistration.k8s.io/v1', kind, name)?.webhooks ?? []) as { clientConfig: { caBundle?: string } }[]).map((w) => w.clientConfig.caBundle);
      assert.deepEqual(bundles('ValidatingWebhookConfiguration', 'eso-vault-guard'), [wanted, wanted]);
      assert.deepEqual(bundles('MutatingWebhookConfiguration', 'eso-vault-guard'), [wanted]);
      assert.deepEqual(bundles('ValidatingWebhookConfiguration', 'someone-else'), [undefined]);
      const patches = double.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, 2);
      assert.ok(patches.every((p) => p.contentType === 'application/json-patch+json' && p.status === 200));
      // In sync: checking again patches nothing.
      await injector.syncNow();
      assert.equal(double.requests.filter((r) => r.method === 'PATCH').length, 2);
      // An Argo CD sync resets the configuration; the periodic check restores the caBundle.
      double.apply(webhookConfig('ValidatingWebhookConfiguration', 'eso-vault-guard', ['validate.eso-vault-guard.io', 'validate-stores.eso-vault-guard.io']));
      await waitFor('caBundle restored', () => bundles('ValidatingWebhookConfiguration', 'eso-vault-guard').every((b) => b === wanted));
    } finally {
      injector.close();
    }
  } finally {
    await double.close();
  }
});
