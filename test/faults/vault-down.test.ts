// Vault down (its port closed): every admission is answered by the failure mode within the
// deadline, /metrics and the logs say Vault could not be reached, and once Vault listens again the
// same request is checked and admitted normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionLog, eventually, goodExternalSecret, metricValue, startFaultRig } from './rig.js';
import { assertCleanAnswer, assertOutageAnswer, isClean } from './expect.js';

for (const failureMode of ['failOpen', 'failClosed'] as const) {
  test(`Vault down (connection refused), ${failureMode}: answered by the failure mode, reported, recovered`, async () => {
    const rig = await startFaultRig({ failureMode });
    try {
      assert.equal((await rig.readyz()).status, 200, 'ready while Vault is up');
      await rig.stopVault();

      const uid = `down-${failureMode}`;
      const answer = await rig.post('/validate', goodExternalSecret(), uid);
      assertOutageAnswer(answer, uid, failureMode, rig.deadlineMs, /Vault is unavailable/);
      // A second admission meets the open breaker and fails fast.
      const again = await rig.post('/validate', goodExternalSecret(), `${uid}-2`);
      assertOutageAnswer(again, `${uid}-2`, failureMode, rig.deadlineMs, /Vault is unavailable/);

      assert.equal((await rig.readyz()).status, 200, 'still ready during the outage: the failure mode answers');
      const metrics = await rig.metrics();
      assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { code: 'connection' }) >= 1, 'connection failures are counted');
      assert.equal(metricValue(metrics, 'eso_vault_guard_readiness_check', { check: 'vault' }), 0, 'Vault shown as not usable');
      assert.equal(metricValue(metrics, 'eso_vault_guard_vault_breaker_open'), 1, 'the breaker of the dead server is open');
      assert.ok(metricValue(metrics, 'eso_vault_guard_admission_requests_total', { decision: failureMode === 'failOpen' ? 'fail_open' : 'fail_closed' }) >= 2);

      const line = admissionLog(rig.logs, uid);
      assert.ok(line, 'one admission log line');
      assert.deepEqual(line.codes, ['VaultUnavailable']);
      assert.equal(line.level, 'info');
      assert.ok(rig.logs.some((l) => l.msg === 'Vault fact looked up' && l.status === 'unavailable'), 'the failed lookup is logged at debug');
      assert.ok(rig.logs.some((l) => l.msg === 'Vault circuit breaker opened: lookups fail fast' && l.level === 'warn'));

      await rig.restartVault();
      let n = 0;
      await eventually('a clean admission once Vault is back', async () => isClean(await rig.post('/validate', goodExternalSecret(), `${uid}-back-${(n += 1)}`)));
      assertCleanAnswer(await rig.post('/validate', goodExternalSecret(), `${uid}-after`), `${uid}-after`);
      assert.equal(metricValue(await rig.metrics(), 'eso_vault_guard_vault_breaker_open'), 0, 'the breaker closed again');
      assert.ok(rig.logs.some((l) => l.msg === 'Vault circuit breaker closed'));
    } finally {
      await rig.close();
    }
  });
}
