// A flapping Vault (connections reset every few tens of milliseconds, then fine again): every
// admission meanwhile is answered in time and is either a real check result or the failure mode's
// answer — never a violation invented from a half-seen Vault — and steady service resumes after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, goodExternalSecret, metricValue, startFaultRig } from './rig.js';
import { MARGIN_MS, assertCleanAnswer, isClean } from './expect.js';

test('flapping Vault, failClosed: each answer is clean or a 500 "could not be checked", never a 403', async () => {
  // No caching, so every admission goes to Vault while it flaps.
  const rig = await startFaultRig({
    failureMode: 'failClosed',
    vault: { cache: { policyTtlMs: 0, roleTtlMs: 0, mountTtlMs: 0, secretTtlMs: 0, negativeTtlMs: 0, maxEntries: 100 } },
  });
  let down = false;
  const flap = setInterval(() => {
    down = !down;
    rig.double.setDown(down);
  }, 40);
  try {
    const outcomes = { clean: 0, failClosed: 0 };
    for (let i = 0; i < 30; i += 1) {
      const uid = `flap-${i}`;
      const batch = await Promise.all([0, 1].map((j) => rig.post('/validate', goodExternalSecret(`db-${j}`), `${uid}-${j}`)));
      for (const [j, a] of batch.entries()) {
        assert.equal(a.res.status, 200);
        assert.equal(a.res.body.response.uid, `${uid}-${j}`);
        assert.ok(a.elapsedMs <= rig.deadlineMs + MARGIN_MS, `answered after ${Math.round(a.elapsedMs)} ms`);
        if (isClean(a)) outcomes.clean += 1;
        else {
          assert.equal(a.res.body.response.allowed, false, a.res.text);
          assert.equal(a.res.body.response.status?.code, 500, a.res.text);
          assert.match(a.res.body.response.status?.message ?? '', /could not be checked against Vault/);
          outcomes.failClosed += 1;
        }
      }
    }
    assert.ok(outcomes.failClosed > 0, `the flapping was seen (${JSON.stringify(outcomes)})`);
    clearInterval(flap);
    rig.double.setDown(false);
    let n = 0;
    await eventually('steady clean answers after the flapping', async () => isClean(await rig.post('/validate', goodExternalSecret(), `settle-${(n += 1)}`)));
    for (let i = 0; i < 3; i += 1) assertCleanAnswer(await rig.post('/validate', goodExternalSecret(), `steady-${i}`), `steady-${i}`);
    const metrics = await rig.metrics();
    assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { code: 'connection' }) >= 1);
    assert.ok(metricValue(metrics, 'eso_vault_guard_admission_requests_total', { decision: 'fail_closed' }) >= outcomes.failClosed);
  } finally {
    clearInterval(flap);
    await rig.close();
  }
});
