// `serve` as deployed: the composition root started against the Kubernetes and Vault doubles over
// real HTTP(S), with stores and namespaces coming from the informers, not from the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import type { GuardConfigInput } from '../../src/config/types.js';
import { startApp, type App } from '../../src/app.js';
import { startKubeDouble, type KubeDouble, type KubeDoubleOptions, type KubeObject } from '../support/kube-double.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { httpRequest, httpsRequest, postAdmission } from '../support/https-client.js';
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
  runtime: App;
  ca: string;
  close(): Promise<void>;
}

async function setup(admission: GuardConfigInput['admission'] = {}, withStore = true, kubeOptions: Omit<KubeDoubleOptions, 'objects'> = {}): Promise<Setup> {
  const vault = await startVaultDouble({ state: join(EXAMPLE, 'vault-state.json') });
  const objects = manifests.filter((o) => o['kind'] === 'Namespace' || (withStore && o['kind'] === 'SecretStore')) as KubeObject[];
  const kube = await startKubeDouble({ objects, ...kubeOptions });
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
  const runtime = await startApp(config, { kubeConfig: kube.kubeConfig, logger: pino({ level: 'silent' }) });
  const ca = runtime.tls.current().ca ?? '';
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
    // The findings counter names the code, its severity and the decision: both answers (dry run and real) carried it.
    const findingLines = String(metrics.body).split('\n').filter((l) => l.startsWith('eso_vault_guard_admission_findings_total{'));
    assert.deepEqual(findingLines, ['eso_vault_guard_admission_findings_total{code="PropertyNotFound",severity="error",decision="would_deny"} 2']);
  } finally {
    await s.close();
  }
});

test('serve: the replica holding the Lease audits what runs and serves the report on GET /report to an authorised caller only', async () => {
  const s = await setup({}, true, {
    users: {
      'reader-token': { username: 'system:serviceaccount:monitoring:report-reader', uid: 'u-1', groups: ['system:serviceaccounts'] },
      'tenant-token': { username: 'alice', groups: ['team-a'] },
      'group-token': { username: 'bob', groups: ['platform'] },
    },
    nonResourceGrants: [
      { user: 'system:serviceaccount:monitoring:report-reader', path: '/eso-vault-guard/report', verb: 'get' },
      { group: 'platform', path: '/eso-vault-guard/report', verb: 'get' },
      { user: 'alice', path: '/metrics', verb: 'get' },
    ],
  });
  try {
    type ReportBody = { findings: { code: string; resource: { kind: string; namespace: string | null; name: string } }[]; summary: { errors: number } };
    const report = async (token?: string) => httpsRequest<ReportBody & { error?: string }>({
      port: s.runtime.servers.webhookPort, path: '/report', ca: s.ca, servername: 'localhost',
      ...(token !== undefined ? { headers: { authorization: token } } : {}),
    });
    await waitFor('first audit pass', async () => (await report('Bearer reader-token')).status === 200, 15_000);
    const body = (await report('Bearer reader-token')).body;
    assert.ok(
      body.findings.some((f) => f.code === 'RoleNotFound' && f.resource.kind === 'SecretStore' && f.resource.namespace === 'team-c'),
      JSON.stringify(body.findings),
    );
    assert.ok(body.summary.errors >= 1);
    const metrics = await httpRequest<string>({ port: s.runtime.servers.metricsPort, path: '/metrics' });
    assert.match(String(metrics.body), /eso_vault_guard_audit_findings\{code="RoleNotFound",namespace="team-c"\} 1/);
    // The attack: anyone reaching the pod. Plain HTTP serves no findings at all.
    const plain = await httpRequest<{ message: string }>({ port: s.runtime.servers.metricsPort, path: '/report' });
    assert.equal(plain.status, 404);
    assert.doesNotMatch(plain.text, /RoleNotFound|team-c/);
    // HTTPS without a token, with a token the API server rejects, and with a tenant's token lacking the grant.
    const none = await report();
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.equal((await report('Bearer forged')).status, 401);
    assert.equal((await report('Basic cmVhZGVyOnRva2Vu')).status, 401);
    const tenant = await report('Bearer tenant-token');
    assert.equal(tenant.status, 403);
    assert.doesNotMatch(tenant.text, /RoleNotFound|team-c/);
    // A group grant counts, as in RBAC.
    assert.equal((await report('Bearer group-token')).status, 200);
    // Each decision was the API server's: a TokenReview, then a SubjectAccessReview of the user it named.
    const reviews = s.kube.requests.filter((r) => r.path.endsWith('/tokenreviews') || r.path.endsWith('/subjectaccessreviews'));
    assert.ok(reviews.length >= 4 && reviews.every((r) => r.status === 201), JSON.stringify(reviews));
  } finally {
    await s.close();
  }
});


type ReadyBody = { ready: boolean; message?: string; checks: { name: string; ready: boolean; informational?: boolean; reason?: string }[] };
const readyz = (s: Setup) => httpRequest<ReadyBody>({ port: s.runtime.servers.metricsPort, path: '/readyz' });

test('serve: /readyz stays 200 through a Vault outage, and Vault\'s state is in its body and the metric', async () => {
  const s = await setup();
  try {
    await waitFor('ready', async () => (await readyz(s)).status === 200);
    await s.vault.close();
    const during = await validate(s, byName('ExternalSecret', 'api-db'));
    assert.equal(during.body.response.allowed, true, 'failOpen answers for Vault');
    await waitFor('Vault seen as down', async () => (await readyz(s)).body.checks.some((c) => c.name === 'vault' && !c.ready), 10_000);
    const ready = await readyz(s);
    assert.equal(ready.status, 200, 'the pod can still answer admissions');
    assert.equal(ready.body.ready, true);
    assert.deepEqual(ready.body.checks.find((c) => c.name === 'vault')?.informational, true);
    const metrics = await httpRequest<string>({ port: s.runtime.servers.metricsPort, path: '/metrics' });
    assert.match(String(metrics.body), /eso_vault_guard_readiness_check\{check="vault",informational="true"\} 0/);
    assert.match(String(metrics.body), /eso_vault_guard_readiness_check\{check="informers",informational="false"\} 1/);
  } finally {
    await s.runtime.close();
    await s.kube.close();
  }
});

test('serve: a pod started while Vault is down becomes ready once TLS and the informers are', async () => {
  const vault = await startVaultDouble({ state: join(EXAMPLE, 'vault-state.json') });
  const vaultConfig = webhookVaultConfig(vault) as unknown as Record<string, unknown>;
  await vault.close();
  const kube = await startKubeDouble({ objects: manifests.filter((o) => o['kind'] === 'Namespace') as KubeObject[] });
  const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' }, tls: { extraDnsNames: ['localhost'] }, vault: vaultConfig } });
  const runtime = await startApp(config, { kubeConfig: kube.kubeConfig, logger: pino({ level: 'silent' }) });
  try {
    await waitFor('ready without Vault', async () => (await httpRequest({ port: runtime.servers.metricsPort, path: '/readyz' })).status === 200, 10_000);
    const body = (await httpRequest<ReadyBody>({ port: runtime.servers.metricsPort, path: '/readyz' })).body;
    const vaultCheck = body.checks.find((c) => c.name === 'vault');
    assert.equal(vaultCheck?.ready, false);
    assert.ok(vaultCheck?.reason, 'says why Vault is not usable');
  } finally {
    await runtime.close();
    await kube.close();
  }
});

test('serve: after SIGTERM (the shutdown path) an admission 0.5 s later is answered while /readyz is 503; after the drain the port closes', async () => {
  const s = await setup();
  try {
    await waitFor('ready', async () => (await readyz(s)).status === 200);
    // The drain's timer is injected: the test decides when drainMs has passed.
    let waitedFor = -1;
    let elapse!: () => void;
    const wait = (ms: number) => new Promise<void>((resolve) => {
      waitedFor = ms;
      elapse = resolve;
    });
    const stopped = s.runtime.shutdown(wait);
    assert.equal(waitedFor, 5000, 'server.drainMs defaults to 5 s');
    // 0.5 s into the drain:
    const answer = await validate(s, byName('ExternalSecret', 'api-db-typo'));
    assert.equal(answer.status, 200);
    assert.equal(answer.body.response.allowed, false, 'checked as usual, not refused');
    const ready = await readyz(s);
    assert.equal(ready.status, 503);
    assert.match(ready.body.message ?? '', /^not ready: shutdown: draining/);
    elapse();
    await stopped;
    await assert.rejects(validate(s, byName('ExternalSecret', 'api-db')), /ECONNREFUSED/);
  } finally {
    await s.close();
  }
});
