// A Vault slower than the webhook's Vault request timeout (150 ms here; the admission deadline is
// 2 s): each lookup gives up at its own timeout, the object is answered long before the deadline,
// decided by the failure mode, counted as Vault timeouts (not as a deadline overrun), and the next
// request after Vault speeds up is checked normally. The admission deadline's own path (a check
// that outlives it) is test/server/deadline.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionLog, eventually, goodExternalSecret, metricValue, startFaultRig } from './rig.js';
import { MARGIN_MS, assertCleanAnswer, assertOutageAnswer, isClean } from './expect.js';

const REQUEST_TIMEOUT_MS = 150;
const DEADLINE_MS = 2_000;

for (const failureMode of ['failOpen', 'failClosed'] as const) {
  test(`Vault slower than its ${REQUEST_TIMEOUT_MS} ms request timeout, ${failureMode}: answered by the failure mode, well before the deadline`, async () => {
    const rig = await startFaultRig({ failureMode, deadlineMs: DEADLINE_MS, vault: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
    try {
      // Slower than the request timeout, and slower than the whole admission deadline too.
      rig.double.setLatencyMs(DEADLINE_MS + 1_000);
      const uid = `slow-${failureMode}`;
      const answer = await rig.post('/validate', goodExternalSecret(), uid);
      assertOutageAnswer(answer, uid, failureMode, DEADLINE_MS, /did not answer in time/);
      assert.ok(answer.elapsedMs >= REQUEST_TIMEOUT_MS - 20, `answered after ${Math.round(answer.elapsedMs)} ms: too early to have waited for Vault`);

      const line = admissionLog(rig.logs, uid);
      assert.ok(line);
      assert.equal(line.failure, undefined, 'the checks completed: Vault timed out, the deadline did not');
      assert.deepEqual(line.codes, ['VaultUnavailable']);
      const metrics = await rig.metrics();
      assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { code: 'timeout' }) >= 1);
      assert.equal(metricValue(metrics, 'eso_vault_guard_admission_deadline_exceeded_total'), 0);

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
