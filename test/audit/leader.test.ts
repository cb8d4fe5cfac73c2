// With several replicas only the holder of the audit Lease audits; when it stops renewing (cut off
// from the API server), another takes over once the Lease has expired. The Lease's clock is the
// test's: it expires when the test moves time on, never because a loaded machine was slow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKubeDouble } from '../support/kube-double.js';
import { startVaultDouble } from '../support/vault-double.js';
import { waitFor } from '../support/kube-wait.js';
import { apiDbSingle, baseObjects, metricTotal, startInstance, startRelay, LEASE, VAULT_STATE, type AuditInstance } from './harness.js';

const completePasses = (i: AuditInstance) => metricTotal(i.registry, 'eso_vault_guard_audit_passes_total', { result: 'complete' });

test('audit: of two replicas exactly one audits; the other takes over when the Lease expires', async () => {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({ objects: [...baseObjects(), apiDbSingle()] });
  const relay = await startRelay(kube);
  let nowMs = Date.now();
  const now = () => nowMs;
  // Replica A reaches the API server through a relay the test cuts, as a partition or a hung pod would.
  const a = await startInstance(vault, kube, { identity: 'replica-a', kubeConfig: relay.kubeConfig, intervalMs: 200, now });
  const b = await startInstance(vault, kube, { identity: 'replica-b', intervalMs: 200, now });
  try {
    a.audit.start();
    b.audit.start();
    a.leader.start();
    await waitFor('replica A leads', () => a.leader.isLeader());
    b.leader.start();
    await waitFor('replica A completed passes', async () => (await completePasses(a)) >= 3);

    assert.equal(b.leader.isLeader(), false);
    assert.ok(a.audit.report(), 'the leader serves its report');
    assert.equal(b.audit.report(), undefined, 'the follower has no report');
    assert.equal(await completePasses(b), 0, 'the follower ran no pass');
    assert.equal(b.counting.calls(), 0, 'the follower asked Vault nothing for the audit');
    const lease = kube.get('coordination.k8s.io/v1', 'Lease', LEASE.name, LEASE.namespace) as { spec?: { holderIdentity?: string } } | undefined;
    assert.equal(lease?.spec?.holderIdentity, 'replica-a');

    await relay.cut();
    assert.equal(b.leader.isLeader(), false, 'the Lease has not expired yet');
    nowMs += 2_000; // past the 1 s Lease
    await waitFor('replica B takes over after the Lease expired', () => b.leader.isLeader(), 10_000);
    await waitFor('replica B audits', async () => (await completePasses(b)) >= 1 && b.audit.report() !== undefined, 10_000);
    await waitFor('replica A stepped down', () => !a.leader.isLeader(), 10_000);
    assert.equal(a.audit.report(), undefined, 'a replica that lost the Lease reports nothing');
    const aCalls = a.counting.calls();
    const bPasses = await completePasses(b);
    await waitFor('replica B audits on', async () => (await completePasses(b)) >= bPasses + 2, 10_000);
    assert.equal(a.counting.calls(), aCalls, 'the former leader stopped auditing');
    const after = kube.get('coordination.k8s.io/v1', 'Lease', LEASE.name, LEASE.namespace) as { spec?: { holderIdentity?: string } } | undefined;
    assert.equal(after?.spec?.holderIdentity, 'replica-b');
  } finally {
    await relay.cut();
    await Promise.all([a.close(), b.close()]);
    await Promise.all([kube.close(), vault.close()]);
  }
});

test('audit: a leader that shuts down releases the Lease and the other replica takes over', async () => {
  const vault = await startVaultDouble({ state: VAULT_STATE });
  const kube = await startKubeDouble({ objects: [...baseObjects(), apiDbSingle()] });
  const a = await startInstance(vault, kube, { identity: 'replica-a', intervalMs: 200, leaseDurationMs: 60_000 });
  const b = await startInstance(vault, kube, { identity: 'replica-b', intervalMs: 200, leaseDurationMs: 60_000 });
  try {
    a.audit.start();
    b.audit.start();
    a.leader.start();
    await waitFor('replica A leads', () => a.leader.isLeader());
    b.leader.start();
    await waitFor('replica A audits', () => a.audit.report() !== undefined);
    assert.equal(b.audit.report(), undefined);
    // Shutdown order of the server: the audit first, then the Lease (released, not left to expire).
    await a.audit.close();
    await a.leader.stop();
    await waitFor('replica B audits well before a 60 s Lease could expire', () => b.audit.report() !== undefined, 10_000);
    assert.equal(a.audit.report(), undefined);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await Promise.all([kube.close(), vault.close()]);
  }
});
