// Vault revokes the webhook's own token: the next lookup gets 403 "invalid token", the webhook logs
// in again once and retries, and the admission is checked normally — no failure mode, no denial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goodExternalSecret, metricValue, startFaultRig, WEBHOOK_ROLE } from './rig.js';
import { assertCleanAnswer } from './expect.js';

for (const flavour of ['vault', 'openbao'] as const) test(`a revoked webhook token (${flavour}): 403, one re-login, the admission is checked as usual`, async () => {
  // Vault says "permission denied" + "invalid token"; OpenBao a bare "permission denied" (test/contract/bao-errors.json).
  const rig = await startFaultRig({ failureMode: 'failClosed', login: 'kubernetes', flavour });
  try {
    const loginPath = '/v1/auth/kubernetes/login';
    const logins = () => rig.double.requests.filter((r) => r.path === loginPath).length;
    const webhookTokens = () => [...rig.double.tokens].filter(([, t]) => t.meta?.role === WEBHOOK_ROLE).map(([token]) => token);
    const loginsBefore = logins();
    assert.ok(loginsBefore >= 1, 'the webhook logged in at start');
    for (const token of webhookTokens()) rig.double.revokeToken(token);
    assert.equal(webhookTokens().length, 0);

    const answer = await rig.post('/validate', goodExternalSecret(), 'relogin');
    assertCleanAnswer(answer, 'relogin');
    assert.ok(rig.double.requests.some((r) => r.status === 403 && r.path !== loginPath), 'Vault refused the revoked token');
    assert.ok(logins() > loginsBefore, 'logged in again');
    assert.equal(webhookTokens().length, 1, 'with one new token');
    assert.ok(rig.logs.some((l) => l.msg === 'Vault rejected the webhook token as invalid; logging in again' && l.level === 'warn'));
    const metrics = await rig.metrics();
    assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { code: '403' }) >= 1);
    assert.ok(metricValue(metrics, 'eso_vault_guard_vault_requests_total', { endpoint: 'auth.kubernetes.login', code: '200' }) >= 2, 'start and re-login are counted');
    assert.equal((await rig.readyz()).status, 200);
  } finally {
    await rig.close();
  }
});
