// The benchmark harness works (its figures are printed by `npm run bench`, never asserted here):
// the webhook and the echo ceiling answer AdmissionReviews, the cold and burst scenarios run, and
// the critical-path counter counts chains, not requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchState } from '../../bench/fixtures.js';
import { criticalPathRoundTrips, duplicateRequests } from '../../bench/critical-path.js';
import { burst, coldAdmission, throughput, warmBodies, warmUp } from '../../bench/scenarios.js';
import { startBenchWebhook, startEchoServer } from '../../bench/servers.js';
import type { DoubleRequest } from '../support/vault-double.js';

const req = (path: string, startedAtMs: number, endedAtMs: number): DoubleRequest => ({ method: 'GET', path, query: {}, status: 200, namespace: '', startedAtMs, endedAtMs });

test('critical path: side-by-side requests count once, sequential ones add up; duplicates are counted', () => {
  assert.equal(criticalPathRoundTrips([req('/a', 0, 20), req('/b', 1, 21), req('/c', 22, 40), req('/d', 41, 60)]), 3);
  assert.equal(criticalPathRoundTrips([]), 0);
  assert.deepEqual(duplicateRequests([req('/a', 0, 1), req('/a', 2, 3), req('/b', 0, 1)]), { total: 3, distinct: 2, duplicates: 1 });
});

test('bench harness: webhook and echo answer, cold and burst scenarios run small', async () => {
  const webhook = await startBenchWebhook({ state: benchState(3, 2), teams: 3, latencyMs: 0 });
  const echo = await startEchoServer(webhook.tls);
  try {
    const bodies = warmBodies(2, 2);
    await warmUp(webhook, bodies);
    const cold = await coldAdmission(webhook, 1, 1);
    assert.equal(cold.allowed, true);
    assert.ok(cold.vaultRequests > 0 && cold.criticalPathRoundTrips > 0);
    const b = await burst(webhook, 3, 2, 4);
    assert.equal(b.objects, 6);
    assert.equal(b.notAnswered, 0);
    assert.equal(b.duplicateVaultRequests, 0, 'concurrent admissions share Vault requests');
    for (const port of [echo.port, webhook.port]) {
      const load = await throughput(port, bodies, 1, 2);
      assert.ok(load.requests > 0);
      assert.equal(load.non2xx + load.errors, 0);
    }
  } finally {
    await echo.close();
    await webhook.close();
  }
});
