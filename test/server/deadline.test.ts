import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postAdmission } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import type { AdmissionHandler } from '../../src/server/admission-types.js';
import { startTestServers } from './harness.js';

const DEADLINE_MS = 200;

/** Answers after 5 s unless aborted; records whether its signal fired. */
function slowHandler(state: { aborted: boolean; deadlineAtMs?: number }): AdmissionHandler {
  return (_request, ctx) =>
    new Promise((resolve) => {
      state.deadlineAtMs = ctx.deadlineAtMs;
      const timer = setTimeout(() => resolve({ allowed: false, message: 'too late', warnings: [], codes: [] }), 5000);
      ctx.signal.addEventListener('abort', () => {
        state.aborted = true;
        clearTimeout(timer);
      });
    });
}

test('failOpen: past the deadline the request is allowed with a warning, by the deadline', async () => {
  const state = { aborted: false };
  const servers = await startTestServers({
    admission: { deadlineMs: DEADLINE_MS, failureMode: 'failOpen' },
    handlers: { validate: slowHandler(state), mutate: slowHandler(state) },
  });
  try {
    const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'slow-open' }), servers.ca);
    const elapsedMs = res.timings.responseAtMs - res.timings.connectedAtMs;
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.response, {
      uid: 'slow-open',
      allowed: true,
      warnings: [`eso-vault-guard could not complete its checks within ${DEADLINE_MS} ms; allowed without verification (failOpen)`],
    });
    assert.ok(elapsedMs >= DEADLINE_MS - 20, `answered after ${elapsedMs} ms, before the deadline`);
    // By the deadline, not by the handler (it answers after 5 s unless aborted): no wall-clock margin to flake on.
    assert.ok(elapsedMs < 5000, `answered after ${elapsedMs} ms`);
    assert.equal(state.aborted, true, 'the handler signal is aborted');
    const metrics = await servers.registry.getSingleMetricAsString('eso_vault_guard_admission_deadline_exceeded_total');
    assert.match(metrics, /eso_vault_guard_admission_deadline_exceeded_total 1$/m);
    assert.ok(servers.logs.some((l) => l.uid === 'slow-open' && l.decision === 'fail_open' && l.level === 'warn'));
  } finally {
    await servers.close();
  }
});

test('failClosed: past the deadline the request is denied with 500 and a reason, by the deadline', async () => {
  const state = { aborted: false };
  const servers = await startTestServers({
    admission: { deadlineMs: DEADLINE_MS, failureMode: 'failClosed' },
    handlers: { validate: slowHandler(state), mutate: slowHandler(state) },
  });
  try {
    const res = await postAdmission(servers.webhookPort, '/mutate', admissionReview(externalSecret(), { uid: 'slow-closed' }), servers.ca);
    const elapsedMs = res.timings.responseAtMs - res.timings.connectedAtMs;
    assert.equal(res.body.response.uid, 'slow-closed');
    assert.equal(res.body.response.allowed, false);
    assert.equal(res.body.response.status?.code, 500);
    assert.match(res.body.response.status?.message ?? '', /could not complete its checks within 200 ms; denied because admission\.failureMode is failClosed/);
    // By the deadline, not by the handler (it answers after 5 s unless aborted): no wall-clock margin to flake on.
    assert.ok(elapsedMs < 5000, `answered after ${elapsedMs} ms`);
    assert.equal(state.aborted, true);
  } finally {
    await servers.close();
  }
});

test('failClosed: a handler exception is denied with 500 naming the error', async () => {
  const servers = await startTestServers({
    admission: { failureMode: 'failClosed' },
    handlers: {
      validate: async () => {
        throw new Error('policy cache corrupted');
      },
      mutate: async () => ({ allowed: true, warnings: [], codes: [] }),
    },
  });
  try {
    const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'err' }), servers.ca);
    assert.equal(res.body.response.allowed, false);
    assert.equal(res.body.response.status?.code, 500);
    assert.match(res.body.response.status?.message ?? '', /\(internal error: policy cache corrupted\); denied because admission\.failureMode is failClosed/);
  } finally {
    await servers.close();
  }
});

test('the handler gets deadlineAtMs = arrival + admission.deadlineMs', async () => {
  const state: { aborted: boolean; deadlineAtMs?: number } = { aborted: false };
  const servers = await startTestServers({
    admission: { deadlineMs: DEADLINE_MS },
    handlers: { validate: slowHandler(state), mutate: slowHandler(state) },
  });
  try {
    const before = Date.now();
    await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret()), servers.ca);
    assert.ok(state.deadlineAtMs !== undefined);
    assert.ok(state.deadlineAtMs >= before + DEADLINE_MS - 5 && state.deadlineAtMs <= before + DEADLINE_MS + 1000, `${state.deadlineAtMs - before}`);
  } finally {
    await servers.close();
  }
});
