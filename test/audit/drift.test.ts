// The audit finds drift after admission: a secret deleted in Vault becomes a Warning Event on the
// ExternalSecret and a gauge series; restoring it clears the gauge; the same finding is announced
// once, not on every pass; Vault being down is counted, never reported as a broken manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeDouble, type KubeDouble } from '../support/kube-double.js';
import { startVaultDouble, type VaultDouble } from '../support/vault-double.js';
import { waitFor } from '../support/kube-wait.js';
import {
  apiDbSingle, baseObjects, eventsIn, findingsGauge, manifest, metricTotal, startInstance, VAULT_STATE, type AuditInstance,
} from './harness.js';

interface Setup {
  vault: VaultDouble;
  kube: KubeDouble;
  a: AuditInstance;
  close(): Promise<void>;
}

async function setup(objects = [...baseObjects(), apiDbSingle()]): Promise<Setup> {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({ objects });
  const a = await startInstance(vault, kube, { identity: 'replica-a' });
  return {
    vault, kube, a,
    async close() {
      await a.close();
      await Promise.all([kube.close(), vault.close()]);
    },
  };
}

const SECRET = 'apps/team-a/db';
const auditEvents = (kube: KubeDouble) => eventsIn(kube, 'team-a').filter((e) => e.involvedObject?.name === 'api-db');

test('audit: a secret deleted in Vault after admission gives a SecretNotFound Event and gauge; restoring it clears the gauge', async () => {
  const s = await setup();
  try {
    const before = await s.a.audit.runOnce();
    assert.deepEqual(before.findings.filter((f) => f.resource.name === 'api-db'), [], 'api-db is valid at admission time');
    assert.equal(auditEvents(s.kube).length, 0);

    const saved = s.vault.state.secrets[SECRET];
    assert.ok(saved);
    delete s.vault.state.secrets[SECRET];
    await s.a.audit.runOnce();
    const events = auditEvents(s.kube);
    assert.equal(events.length, 1, JSON.stringify(events));
    const event = events[0]!;
    assert.equal(event.type, 'Warning');
    assert.equal(event.reason, 'SecretNotFound');
    assert.equal(event.involvedObject?.kind, 'ExternalSecret');
    assert.equal(event.involvedObject?.namespace, 'team-a');
    const es = s.kube.get('external-secrets.io/v1', 'ExternalSecret', 'api-db', 'team-a');
    assert.equal(event.involvedObject?.uid, es?.metadata.uid, 'the Event is on the object itself (kubectl describe shows it)');
    assert.match(event.message ?? '', /^\[SecretNotFound\] spec\.data\[0\]\.remoteRef\.key: /);
    assert.equal(await findingsGauge(s.a.registry, 'SecretNotFound', 'team-a'), 1);

    s.vault.state.secrets[SECRET] = saved;
    await s.a.audit.runOnce();
    assert.ok(((await findingsGauge(s.a.registry, 'SecretNotFound', 'team-a')) ?? 0) === 0, 'the fixed finding left the gauge');
    assert.equal(auditEvents(s.kube).length, 1, 'no new Event once the secret is back');
    assert.equal(await metricTotal(s.a.registry, 'eso_vault_guard_audit_passes_total', { result: 'complete' }), 3);
    assert.ok((await metricTotal(s.a.registry, 'eso_vault_guard_audit_last_pass_timestamp_seconds')) > 0);
  } finally {
    await s.close();
  }
});

test('audit: the same finding on two passes gives one Event; it is announced again when it comes back after a fix', async () => {
  const s = await setup();
  try {
    const saved = s.vault.state.secrets[SECRET]!;
    delete s.vault.state.secrets[SECRET];
    await s.a.audit.runOnce();
    await s.a.audit.runOnce();
    assert.equal(auditEvents(s.kube).length, 1, 'de-duplicated across passes');
    assert.equal(await findingsGauge(s.a.registry, 'SecretNotFound', 'team-a'), 1, 'still reported by the gauge');

    s.vault.state.secrets[SECRET] = saved;
    await s.a.audit.runOnce();
    delete s.vault.state.secrets[SECRET];
    await s.a.audit.runOnce();
    assert.equal(auditEvents(s.kube).length, 2, 'cleared, then back: a new Event');
  } finally {
    await s.close();
  }
});

test('audit: Vault down is counted and logged, never an Event claiming the manifest is broken; the last known findings stand', async () => {
  const s = await setup();
  try {
    delete s.vault.state.secrets[SECRET];
    await s.a.audit.runOnce();
    assert.equal(auditEvents(s.kube).length, 1);
    s.vault.setDown(true);
    const report = await s.a.audit.runOnce();
    assert.ok(report.findings.some((f) => f.code === 'VaultUnavailable'), 'the report says what was not checked');
    assert.equal(auditEvents(s.kube).length, 1, 'no Event while Vault is down');
    assert.ok(eventsIn(s.kube, 'team-a').every((e) => e.reason !== 'VaultUnavailable'));
    assert.ok((await metricTotal(s.a.registry, 'eso_vault_guard_audit_could_not_check_total')) >= 1);
    assert.equal(await findingsGauge(s.a.registry, 'VaultUnavailable', 'team-a'), undefined);
    assert.equal(await findingsGauge(s.a.registry, 'SecretNotFound', 'team-a'), 1, 'an unchecked object keeps its last known finding');
    s.vault.setDown(false);
    await waitFor('Vault reachable again', async () => {
      const r = await s.a.audit.runOnce();
      return !r.findings.some((f) => f.code === 'VaultUnavailable');
    });
    assert.equal(auditEvents(s.kube).length, 1, 'the finding that persisted through the outage is not announced again');
  } finally {
    await s.close();
  }
});

test('audit: Events follow the no-oracle rule — paths outside the store\'s policies give PolicyDenied alone, existing or not', async () => {
  const s = await setup([...baseObjects(), manifest('ExternalSecret', 'reads-team-b-db'), manifest('ExternalSecret', 'reads-team-b-missing')]);
  try {
    const report = await s.a.audit.runOnce();
    for (const name of ['reads-team-b-db', 'reads-team-b-missing']) {
      const events = eventsIn(s.kube, 'team-a').filter((e) => e.involvedObject?.name === name);
      assert.deepEqual(events.map((e) => e.reason), ['PolicyDenied'], name);
      assert.deepEqual(report.findings.filter((f) => f.resource.name === name).map((f) => f.code), ['PolicyDenied'], name);
    }
    assert.equal(await findingsGauge(s.a.registry, 'PolicyDenied', 'team-a'), 2);
  } finally {
    await s.close();
  }
});

test('audit: a templateFrom ConfigMap deleted after admission gives a TemplateSourceNotFound Event with ESO\'s words', async () => {
  const es = apiDbSingle();
  (es['spec'] as Record<string, unknown>)['target'] = { name: 'api-db', template: { templateFrom: [{ configMap: { name: 'api-db-tpl', items: [{ key: 'url' }] } }] } };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-db-tpl', namespace: 'team-a' }, data: { url: 'x' } };
  const s = await setup([...baseObjects(), es, cm]);
  try {
    const before = await s.a.audit.runOnce();
    assert.deepEqual(before.findings.filter((f) => f.resource.name === 'api-db'), []);
    s.kube.remove('v1', 'ConfigMap', 'api-db-tpl', 'team-a');
    await s.a.audit.runOnce();
    const events = auditEvents(s.kube);
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(events[0]?.reason, 'TemplateSourceNotFound');
    assert.match(events[0]?.message ?? '', /configmaps \\"api-db-tpl\\" not found/);
  } finally {
    await s.close();
  }
});
