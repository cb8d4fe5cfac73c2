// A sealed Vault and a Vault answering 5xx: the failure mode answers within the deadline, the
// answer names the cause, /readyz and /metrics show it, and the webhook recovers when Vault does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionLog, eventually, goodExternalSecret, metricValue, startFaultRig } from './rig.js';
import { assertCleanAnswer, assertOutageAnswer, isClean } from './expect.js';

for (const failureMode of ['failOpen', 'failClosed'] as const) {
  test(`sealed Vault, ${failureMode}: still ready (Vault shown in the body and metric), answered by the failure mode naming the seal, recovered after unseal`, async () => {
    const rig = await startFaultRig({ failureMode });
    try {
      rig.double.seal();
      const uid = `sealed-${failureMode}`;
      assertOutageAnswer(await rig.post('/validate', goodExternalSecret(), uid), uid, failureMode, rig.deadlineMs, /Vault is sealed/);

      // The pod can still answer admissions (the failure mode does): it stays ready, and says why Vault is not.
      const ready = await rig.readyz();
      assert.equal(ready.status, 200);
      const vault = (ready.body as unknown as { checks: { name: string; ready: boolean; informational?: boolean; reason?: string }[] }).checks.find((c) => c.name === 'vault');
      assert.equal(vault?.ready, false);
      assert.equal(vault?.informational, true);
      assert.match(vault?.reason ?? '', /is sealed/);
      assert.equal(metricValue(await rig.metrics(), 'eso_vault_guard_readiness_check', { check: 'vault' }), 0);
      assert.ok(metricValue(await rig.metrics(), 'eso_vault_guard_vault_requests_total', { code: '503' }) >= 1);
      assert.deepEqual(admissionLog(rig.logs, uid)?.codes, ['VaultUnavailable']);
      assert.ok(rig.logs.some((l) => l.msg === 'Vault fact looked up' && l.status === 'sealed'));
      // A sealed Vault answers: that is no connection failure, so the breaker stays closed.
      assert.equal(metricValue(await rig.metrics(), 'eso_vault_guard_vault_breaker_open'), 0);

      rig.double.unseal();
      assertCleanAnswer(await rig.post('/validate', goodExternalSecret(), `${uid}-after`), `${uid}-after`);
      await eventually('Vault ready after unseal', async () => metricValue(await rig.metrics(), 'eso_vault_guard_readiness_check', { check: 'vault' }) === 1);
    } finally {
      await rig.close();
    }
  });

  test(`Vault answering 5xx, ${failureMode}: answered by the failure mode naming the status, recovered`, async () => {
    const rig = await startFaultRig({ failureMode });
    try {
      for (const status of [500, 502]) {
        rig.double.failNext(1_000, status);
        const uid = `http-${status}-${failureMode}`;
        assertOutageAnswer(await rig.post('/validate', goodExternalSecret(), uid), uid, failureMode, rig.deadlineMs, new RegExp(`Vault answered HTTP ${status}`));
        assert.ok(metricValue(await rig.metrics(), 'eso_vault_guard_vault_requests_total', { code: String(status) }) >= 1);
        assert.deepEqual(admissionLog(rig.logs, uid)?.codes, ['VaultUnavailable']);
      }
      rig.double.failNext(0, 500);
      let n = 0;
      await eventually('a clean admission once Vault answers again', async () => isClean(await rig.post('/validate', goodExternalSecret(), `5xx-back-${(n += 1)}`)));
      assertCleanAnswer(await rig.post('/validate', goodExternalSecret(), '5xx-after'), '5xx-after');
    } finally {
      await rig.close();
    }
  });
}
