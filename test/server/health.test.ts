import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest, postAdmission } from '../support/https-client.js';
import { admissionReview, externalSecret, secretStore } from '../support/admission-fixtures.js';
import { startTestServers } from './harness.js';

test('/healthz answers ok', async () => {
  const servers = await startTestServers();
  try {
    const res = await httpRequest<{ status: string }>({ port: servers.metricsPort, path: '/healthz' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  } finally {
    await servers.close();
  }
});

test('/readyz is not ready, naming the check, until every readiness check passes; informational checks never fail it', async () => {
  let informersReady = false;
  const servers = await startTestServers({
    readinessChecks: [
      { name: 'vault', informational: true, check: () => ({ ready: false, reason: 'first login to Vault pending' }) },
      { name: 'informers', check: async () => (informersReady ? { ready: true } : { ready: false, reason: 'stores are not listed yet' }) },
    ],
  });
  try {
    const waiting = await httpRequest<{ ready: boolean; message: string; checks: { name: string; ready: boolean; reason?: string }[] }>({
      port: servers.metricsPort,
      path: '/readyz',
    });
    assert.equal(waiting.status, 503);
    assert.equal(waiting.body.ready, false);
    assert.equal(waiting.body.message, 'not ready: informers: stores are not listed yet');
    assert.deepEqual(waiting.body.checks, [
      { name: 'tls', ready: true },
      { name: 'shutdown', ready: true },
      { name: 'vault', ready: false, informational: true, reason: 'first login to Vault pending' },
      { name: 'informers', ready: false, reason: 'stores are not listed yet' },
    ]);

    informersReady = true;
    const ready = await httpRequest<{ ready: boolean; checks: { name: string; ready: boolean }[] }>({ port: servers.metricsPort, path: '/readyz' });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);
    assert.equal(ready.body.checks.find((c) => c.name === 'vault')?.ready, false, 'still shown');
  } finally {
    await servers.close();
  }
});

test('a readiness check that throws counts as not ready with its error', async () => {
  const servers = await startTestServers({
    readinessChecks: [
      {
        name: 'kube',
        check: () => {
          throw new Error('informer cache not synced');
        },
      },
    ],
  });
  try {
    const res = await httpRequest<{ message: string }>({ port: servers.metricsPort, path: '/readyz' });
    assert.equal(res.status, 503);
    assert.equal(res.body.message, 'not ready: kube: check failed: informer cache not synced');
  } finally {
    await servers.close();
  }
});

test('/metrics counts admissions by kind, operation, decision and dry run', async () => {
  const servers = await startTestServers();
  try {
    await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret()), servers.ca);
    await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { dryRun: true }), servers.ca);
    await postAdmission(servers.webhookPort, '/validate', admissionReview(secretStore(), { operation: 'UPDATE' }), servers.ca);
    await postAdmission(servers.webhookPort, '/validate', admissionReview({ ...secretStore(), kind: 'Whatever123' }), servers.ca);
    const res = await httpRequest({ port: servers.metricsPort, path: '/metrics' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(res.text, /^eso_vault_guard_admission_requests_total\{kind="ExternalSecret",operation="CREATE",decision="allowed",dry_run="false"\} 1$/m);
    assert.match(res.text, /^eso_vault_guard_admission_requests_total\{kind="ExternalSecret",operation="CREATE",decision="allowed",dry_run="true"\} 1$/m);
    assert.match(res.text, /^eso_vault_guard_admission_requests_total\{kind="SecretStore",operation="UPDATE",decision="allowed",dry_run="false"\} 1$/m);
    assert.match(res.text, /^eso_vault_guard_admission_requests_total\{kind="other",operation="CREATE",decision="allowed",dry_run="false"\} 1$/m, 'unknown kinds share one label value');
    assert.match(res.text, /^eso_vault_guard_admission_duration_seconds_count\{webhook="validate"\} 4$/m);
    assert.match(res.text, /^eso_vault_guard_admission_in_flight\{webhook="validate"\} 0$/m);
    assert.match(res.text, /^eso_vault_guard_admission_deadline_exceeded_total 0$/m);
  } finally {
    await servers.close();
  }
});
