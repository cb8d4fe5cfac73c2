import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLeaderElector, type LeaderElector } from '../../src/kube/index.js';
import { CoordinationV1Api, V1MicroTime } from '@kubernetes/client-node';
import { startKubeDouble } from '../support/kube-double.js';
import { waitFor } from '../support/kube-wait.js';

const leaseOpts = { namespace: 'eso-vault-guard', name: 'eso-vault-guard-audit', leaseDurationMs: 1000, renewMs: 100 };

/** The Lease's clock, moved by the test: a Lease expires when the test says, not when a loaded machine was slow. */
function testClock(): { now: () => number; advance(ms: number): void } {
  let nowMs = Date.now();
  return { now: () => nowMs, advance: (ms) => void (nowMs += ms) };
}

/** Lease reads by the electors so far (each attempt reads the Lease first). */
const leaseReads = (double: { requests: { method: string; path: string }[] }) => double.requests.filter((r) => r.method === 'GET' && r.path.includes('/leases/')).length;

test('two electors: exactly one leads; the other takes over after the first stops', async () => {
  const double = await startKubeDouble();
  const clock = testClock();
  const a = createLeaderElector(double.kubeConfig, { ...leaseOpts, identity: 'pod-a', now: clock.now });
  const b = createLeaderElector(double.kubeConfig, { ...leaseOpts, identity: 'pod-b', now: clock.now });
  try {
    const changes: boolean[] = [];
    a.onChange((l) => changes.push(l));
    a.start();
    b.start();
    await waitFor('a leader', () => a.isLeader() || b.isLeader());
    // Both have tried several times since; the Lease cannot expire (the clock stands still).
    const reads = leaseReads(double);
    await waitFor('more attempts by both', () => leaseReads(double) >= reads + 4);
    assert.equal(Number(a.isLeader()) + Number(b.isLeader()), 1, 'exactly one leader');
    const [leader, follower]: LeaderElector[] = a.isLeader() ? [a, b] : [b, a];
    const lease = double.get('coordination.k8s.io/v1', 'Lease', leaseOpts.name, leaseOpts.namespace);
    assert.equal((lease?.spec as { holderIdentity: string }).holderIdentity, a.isLeader() ? 'pod-a' : 'pod-b');
    await leader.stop();
    assert.equal(leader.isLeader(), false);
    await waitFor('follower takes over', () => follower.isLeader(), 5000);
    const after = double.get('coordination.k8s.io/v1', 'Lease', leaseOpts.name, leaseOpts.namespace);
    assert.equal((after?.spec as { leaseTransitions: number }).leaseTransitions, 1);
  } finally {
    await a.stop();
    await b.stop();
    await double.close();
  }
});

test('a lease whose holder stopped renewing is taken once it expires', async () => {
  const double = await startKubeDouble();
  const clock = testClock();
  const now = new Date(clock.now()).toISOString().replace('Z', '000Z');
  double.apply({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseOpts.name, namespace: leaseOpts.namespace },
    spec: { holderIdentity: 'crashed-pod', leaseDurationSeconds: 1, renewTime: now, acquireTime: now, leaseTransitions: 3 },
  });
  const b = createLeaderElector(double.kubeConfig, { ...leaseOpts, identity: 'pod-b', now: clock.now });
  try {
    b.start();
    await waitFor('attempts while the lease is valid', () => leaseReads(double) >= 2);
    assert.equal(b.isLeader(), false, 'the lease is still valid');
    clock.advance(1_001);
    await waitFor('takes the expired lease', () => b.isLeader(), 5000);
    const lease = double.get('coordination.k8s.io/v1', 'Lease', leaseOpts.name, leaseOpts.namespace);
    assert.equal((lease?.spec as { holderIdentity: string }).holderIdentity, 'pod-b');
    assert.equal((lease?.spec as { leaseTransitions: number }).leaseTransitions, 4);
  } finally {
    await b.stop();
    await double.close();
  }
});

test('the Kubernetes double rejects a Lease MicroTime without six fraction digits, as the API server does', async () => {
  const double = await startKubeDouble();
  try {
    const api = double.kubeConfig.makeApiClient(CoordinationV1Api);
    const millis = new Date();
    await assert.rejects(
      api.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'plain-date' }, spec: { holderIdentity: 'x', renewTime: millis } } }),
      (err: unknown) => {
        const e = err as { code?: number; body?: string };
        assert.equal(e.code, 400);
        const body = JSON.parse(e.body ?? '{}') as { kind: string; status: string; reason: string; code: number; message: string };
        assert.deepEqual([body.kind, body.status, body.reason, body.code], ['Status', 'Failure', 'BadRequest', 400]);
        assert.match(body.message, /cannot be handled as a Lease: parsing time .* as "2006-01-02T15:04:05.000000Z07:00"/);
        return true;
      },
    );
    const created = await api.createNamespacedLease({ namespace: 'default', body: { metadata: { name: 'micro' }, spec: { holderIdentity: 'x', renewTime: new V1MicroTime() } } });
    assert.match(String(created.spec?.renewTime), /\.\d{6}Z$/);
  } finally {
    await double.close();
  }
});

test('the elector writes renewTime and acquireTime as RFC3339 with six fraction digits', async () => {
  const double = await startKubeDouble();
  const a = createLeaderElector(double.kubeConfig, { ...leaseOpts, identity: 'pod-a' });
  try {
    a.start();
    await waitFor('leader', () => a.isLeader());
    const spec = double.get('coordination.k8s.io/v1', 'Lease', leaseOpts.name, leaseOpts.namespace)?.spec as { renewTime: string; acquireTime: string };
    assert.match(spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(spec.acquireTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(double.requests.filter((r) => r.path.includes('/leases') && r.status === 400).length, 0);
  } finally {
    await a.stop();
    await double.close();
  }
});
