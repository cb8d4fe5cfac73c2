// A canary secret value planted in the double never leaves Vault's response handling: not in logs
// (pino at trace level), the cache snapshot, the metrics text, or any returned fact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startVaultDouble, webhookVaultConfig } from '../support/vault-double.js';
import { captureLogger, inMs, makeService } from './helpers.js';

const CANARY = 'CANARY-7f3c9e1d-value';

test('a canary secret value appears nowhere outside the Vault response', async () => {
  const double = await startVaultDouble({
    state: {
      mounts: { 'secret/': { type: 'kv', options: { version: '2' } }, 'legacy/': { type: 'kv', options: { version: '1' } } },
      auth: { 'kubernetes/': { type: 'kubernetes', accessor: 'auth_kubernetes_0c0c0c0c', config: { kubernetes_host: 'https://k8s', token_reviewer_jwt: CANARY, oidc_client_secret: CANARY } } },
      policies: {},
      secrets: {
        'secret/app': {
          versions: [{ data: { password: CANARY } }, { data: { password: CANARY, nested: { deep: [CANARY, { x: CANARY }] } } }],
          custom_metadata: { owner: CANARY },
        },
        'legacy/app': { versions: [{ data: { token: CANARY } }] },
      },
    },
  });
  const captured = captureLogger();
  const { facts, registry } = makeService(webhookVaultConfig(double), captured.logger);
  try {
    await facts.start();
    const results: unknown[] = [];
    const o = () => inMs(2000);
    results.push(await facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, undefined, { ...o(), kvVersion: '2' }));
    results.push(await facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, '1', { ...o(), kvVersion: '2' }));
    results.push(await facts.readSecretShape(double.url, { mount: 'legacy/', secretPath: 'app' }, undefined, { ...o(), kvVersion: '1' }));
    results.push(await facts.kvMetadata(double.url, { mount: 'secret/', secretPath: 'app' }, o()));
    results.push(await facts.authConfig(double.url, 'kubernetes', o()));
    results.push(await facts.listKeys(double.url, { mount: 'secret/', folder: '', kvVersion: '2' }, o()));
    results.push(await facts.mountForPath(double.url, 'secret/data/app', o()));
    double.failNext(1, 500);
    results.push(await facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, '2', { ...o(), kvVersion: '2' }));
    // The same reads with values (an operator's per-mount opt-in) keep the values out as well.
    const withValues = makeService(webhookVaultConfig(double, { servers: webhookVaultConfig(double).servers.map((s) => ({ ...s, valueReadMounts: ['secret/', 'legacy/'] })) }), captured.logger);
    try {
      results.push(await withValues.facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, undefined, { ...o(), kvVersion: '2' }));
      results.push(await withValues.facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, '1', { ...o(), kvVersion: '2' }));
      results.push(withValues.facts.cacheSnapshot());
      assert.ok(double.requests.some((r) => r.path === '/v1/secret/data/app'), 'values were read on the opted-in mount');
    } finally {
      await withValues.facts.close();
    }
    assert.ok(double.requests.some((r) => r.path === '/v1/secret/subkeys/app'), 'the structure was read through subkeys');

    const present = results[0] as { status: string; value: { state: string } };
    assert.equal(present.value.state, 'present', 'the secret was read');
    const config = results[4] as { status: string; value: Record<string, unknown> };
    assert.equal(config.value.kubernetes_host, 'https://k8s', 'the auth config was read');
    assert.ok(!('oidc_client_secret' in config.value), 'credential fields are dropped even when Vault returns them');
    const metadata = results[3] as { value: { customMetadataKeys: string[] } };
    assert.deepEqual(metadata.value.customMetadataKeys, ['owner']);
    const places = {
      facts: JSON.stringify(results),
      cache: JSON.stringify(facts.cacheSnapshot()),
      metrics: await registry.metrics(),
      logs: captured.text(),
      stats: JSON.stringify(facts.stats()),
    };
    assert.ok(places.logs.length > 0, 'something was logged');
    for (const [where, text] of Object.entries(places)) assert.ok(!text.includes(CANARY), `canary found in ${where}`);
    assert.ok(!places.logs.includes(double.webhookToken), 'the webhook token is never logged');
  } finally {
    await facts.close();
    await double.close();
  }
});
