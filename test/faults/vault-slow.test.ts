// A Vault slower than the admission deadline (300 ms here): the answer still arrives by the
// deadline (plus transport slack), decided by the failure mode, counted as a deadline overrun, and
// the next request after Vault speeds up is checked normally.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionLog, eventually, goodExternalSecret, metricValue, startFaultRig } from './rig.js';
import { MARGIN_MS, assertCleanAnswer, assertOutageAnswer, isClean } from './expect.js';

const DEADLINE_MS = 300;

for (const failureMode of ['failOpen', 'failClosed'] as const) {
  test(`Vault slower than the ${DEADLINE_MS} ms deadline, ${failureMode}: answered in time by the failure mode`, async () => {
    const rig = await startFaultRig({ failureMode, deadlineMs: DEADLINE_MS });
    try {
      rig.double.setLatencyMs(1_500);
      const uid = `slow-${failureMode}`;
      const answer = await rig.post('/validate', goodExternalSecret(), uid);
      // Whichever gives up first (the server's deadline or the Vault lookups' own), the cause is time.
      assertOutageAnswer(answer, uid, failureMode, DEADLINE_MS, /within 300 ms|did not answer in time/);
      assert.ok(answer.elapsedMs >= DEADLINE_MS - 50, `answered after ${Math.round(answer.elapsedMs)} ms: too early to have waited for Vault`);

      const line = admissionLog(rig.logs, uid);
      assert.ok(line);
      const metrics = await rig.metrics();
      if (line.failure !== undefined) {
        assert.match(String(line.failure), /deadline of 300 ms exceeded/);
        assert.equal(line.level, 'warn');
        assert.equal(line.decision, failureMode === 'failOpen' ? 'fail_open' : 'fail_closed');
        assert.equal(metricValue(metrics, 'eso_vault_guard_admission_deadline_exceeded_total'), 1);
        assert.equal(metricValue(metrics, 'eso_vault_guard_admission_requests_total', { decision: failureMode === 'failOpen' ? 'fail_open' : 'fail_closed' }), 1);
      } else {
        assert.deepEqual(line.codes, ['VaultUnavailable']);
        assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { code: 'timeout' }) >= 1);
      }

      rig.double.setLatencyMs(0);
      // Several lookups timed out side by side, which may have opened the circuit breaker: answers
      // are clean again once it lets its probe through (openMs), each still within the deadline.
      let n = 0;
      await eventually('a clean answer after Vault sped up', async () => {
        const after = await rig.post('/validate', goodExternalSecret(), `${uid}-after-${n}`);
        assert.ok(after.elapsedMs <= DEADLINE_MS + MARGIN_MS);
        if (!isClean(after)) {
          n += 1;
          return false;
        }
        assertCleanAnswer(after, `${uid}-after-${n}`);
        return true;
      });
    } finally {
      await rig.close();
    }
  });
}
