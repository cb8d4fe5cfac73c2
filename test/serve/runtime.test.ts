// `serve` as deployed: the composition root started against the Kubernetes and Vault doubles over
// real HTTP(S), with stores and namespaces coming from the informers, not from the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import type { GuardConfigInput } from '../../src/config/types.js';
import { startWebhookRuntime, type WebhookRuntime } from '../../src/cli/webhook-runtime.js';
import { startKubeDouble, type KubeDouble, type KubeObject } from '../support/kube-double.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { httpRequest, postAdmission } from '../support/https-client.js';
import { waitFor } from '../support/kube-wait.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { loadManifests, type Obj } from '../checks/support/example-harness.js';

const EXAMPLE = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const manifests = loadManifests(EXAMPLE);
const byName = (kind: string, name: string, namespace?: string): Obj => {
  const found = manifests.find((o) => {
    const m = o['metadata'] as { name?: string; namespace?: string };
    return o['kind'] === kind && m.name === name && (namespace === undefined || m.namespace === namespace);
  });
  assert.ok(found, `${kind} ${name} in the example`);
  return structuredClone(found);
};

interface Setup {
  kube: KubeDouble;
  vault: VaultDouble;
  runtime: WebhookRuntime;
  ca: string;
  close(): Promise<void>;
}

async function setup(admission: GuardConfigInput['admission'] = {}, withStore = true): Promise<Setup> {
  const vault = await startVaultDouble({ state: join(EXAMPLE, 'vault-state.json') });
  const objects = manifests.filter((o) => o['kind'] === 'Namespace' || (withStore && o['kind'] === 'SecretStore')) as KubeObject[];
  const kube = await startKubeDouble({ objects });
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, metricsPort: 0, host: '127.0.0.1' },
      tls: { extraDnsNames: ['localhost'] },
      admission: { deadlineMs: 5000, ...admission },
      vault: webhookVaultConfig(vault) as unknown as Record<string, unknown>,
      kube: { leaseRenewMs: 200, leaseDurationMs: 1000, caBundleCheckIntervalMs: 60_000 },
      audit: { intervalMs: 60_000, objectsPerSecond: 100 },
    },
  });
  const runtime = await startWebhookRuntime(config, { kubeConfig: kube.kubeConfig, logger: pino({ level: 'silent' }) });
  const ca = runtime.servers.tls.current().ca ?? '';
  return {
    kube,
    vault,
    runtime,
    ca,
    async close() {
      await runtime.close();
      await Promise.all([kube.close(), vault.close()]);
    },
  };
}

const validate = (s: Setup, obj: Obj, opts: Parameters<typeof admissionReview>[1] = {}) =>
  postAdmission(s.runtime.servers.webhookPort, '/validate', admissionReview(obj, opts), s.ca);

test('serve: stores and namespaces from the informers decide admissions; /readyz waits for Vault and the informers', async () => {
  const s = await setup();
  try {
    await waitFor('informers synced', () => s.runtime.kube!.state.hasSynced());
    await waitFor('ready', async () => (await httpRequest({ port: s.runtime.servers.metricsPort, path: '/readyz' })).status === 200);
    const good = await validate(s, byName('ExternalSecret', 'api-db'));
    assert.equal(good.body.response.allowed, true, good.body.response.status?.message);
    const typo = await validate(s, byName('ExternalSecret', 'api-db-typo'));
    assert.equal(typo.body.response.allowed, false);
    assert.match(typo.body.response.status?.message ?? '', /\[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property/);
  } finally {
    await s.close();
  }
});

test('serve: a store created in the same sync (not yet in the cache) is read from the API, not reported missing', async () => {
  const s = await setup({}, false);
  try {
    await waitFor('informers synced', () => s.runtime.kube!.state.hasSynced());
    // Created while the watch is cut, so only a direct GET can find it.
    s.kube.dropWatches();
    s.kube.apply(byName('SecretStore', 'vault', 'team-a') as KubeObject);
    const answer = await validate(s, byName('ExternalSecret', 'api-db'));
    assert.equal(answer.body.response.allowed, true, answer.body.response.status?.message);
    assert.ok(!(answer.body.response.warnings ?? []).some((w) => w.includes('StoreNotFound')));
    const missing = await validate(s, { ...byName('ExternalSecret', 'api-db'), spec: { ...(byName('ExternalSecret', 'api-db')['spec'] as Obj), secretStoreRef: { name: 'nope', kind: 'SecretStore' } } });
    assert.equal(missing.body.response.allowed, false);
    assert.match(missing.body.response.status?.message ?? '', /\[StoreNotFound\]/);
  } finally {
    await s.close();
  }
});

test('serve: when the store cannot be read from the API the check is not done, and the failure mode decides', async () => {
  for (const failureMode of ['failOpen', 'failClosed'] as const) {
    const s = await setup({ failureMode }, false);
    try {
      await waitFor('informers synced', () => s.runtime.kube!.state.hasSynced());
      s.kube.failNext('GET', /\/secretstores\/vault$/, 500, 10);
      const answer = await validate(s, byName('ExternalSecret', 'api-db'));
      const r = answer.body.response;
      if (failureMode === 'failOpen') {
        assert.equal(r.allowed, true);
        assert.ok((r.warnings ?? []).some((w) => /could not be checked|Kubernetes API/.test(w)), (r.warnings ?? []).join(' | '));
      } else {
        assert.equal(r.allowed, false);
        assert.equal(r.status?.code, 500);
        assert.match(r.status?.message ?? '', /could not be checked/);
        assert.doesNotMatch(r.status?.message ?? '', /StoreNotFound/);
      }
    } finally {
      await s.close();
    }
  }
});

test('serve: warn mode admits a broken manifest and records a Warning Event (Argo CD never shows warnings); dry-runs record none', async () => {
  const s = await setup({ mode: 'warn' });
  try {
    await waitFor('informers synced', () => s.runtime.kube!.state.hasSynced());
    const dry = await validate(s, byName('ExternalSecret', 'api-db-typo'), { dryRun: true });
    assert.equal(dry.body.response.allowed, true);
    const answer = await validate(s, byName('ExternalSecret', 'api-db-typo'));
    assert.equal(answer.body.response.allowed, true);
    assert.ok((answer.body.response.warnings ?? []).some((w) => w.includes('[PropertyNotFound]')));
    await waitFor('event recorded', () => s.kube.list('v1', 'Event', 'team-a').length > 0);
    const events = s.kube.list('v1', 'Event', 'team-a');
    assert.equal(events.length, 1, 'one event, none for the dry run');
    const event = events[0] as { reason?: string; type?: string; message?: string; involvedObject?: { name?: string; kind?: string } };
    assert.equal(event.reason, 'PropertyNotFound');
    assert.equal(event.type, 'Warning');
    assert.equal(event.involvedObject?.name, 'api-db-typo');
    assert.match(event.message ?? '', /^\[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property: /);
    const metrics = await httpRequest<string>({ port: s.runtime.servers.metricsPort, path: '/metrics' });
    assert.match(String(metrics.body), /eso_vault_guard_admission_requests_total\{[^}]*decision="would_deny"[^}]*\} [1-9]/);
  } finally {
    await s.close();
  }
});

test('serve: the replica holding the Lease audits what runs and serves the report on GET /report', async () => {
  const s = await setup();
  try {
    const report = async () => httpRequest<{ findings: { code: string; resource: { kind: string; namespace: string | null; name: string } }[]; summary: { errors: number } }>({ port: s.runtime.servers.metricsPort, path: '/report' });
    await waitFor('first audit pass', async () => (await report()).status === 200, 15_000);
    const body = (await report()).body;
    assert.ok(
      body.findings.some((f) => f.code === 'RoleNotFound' && f.resource.kind === 'SecretStore' && f.resource.namespace === 'team-c'),
      JSON.stringify(body.findings),
    );
    assert.ok(body.summary.errors >= 1);
    const metrics = await httpRequest<string>({ port: s.runtime.servers.metricsPort, path: '/metrics' });
    assert.match(String(metrics.body), /eso_vault_guard_audit_findings\{code="RoleNotFound",namespace="team-c"\} 1/);
  } finally {
    await s.close();
  }
});

test('serve: a bad kube or audit setting stops the start naming the section and field', async () => {
  for (const [section, value, pattern] of [
    ['kube', { resyncMs: 'often' }, /kube: .*resyncMs.*often/],
    ['audit', { objectsPerSecond: -1 }, /audit: .*objectsPerSecond.*-1/],
    ['vault', { servers: [{ url: 'vault:8200' }] }, /vault: invalid Vault configuration/],
  ] as const) {
    const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' }, [section]: value } as GuardConfigInput });
    await assert.rejects(startWebhookRuntime(config, { kubeConfig: undefined, logger: pino({ level: 'silent' }) }), (err: Error) => {
      assert.match(err.message, pattern);
      return true;
    });
  }
});
