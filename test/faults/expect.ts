// What every answer given during a Vault fault must look like, whatever the fault.
import assert from 'node:assert/strict';
import type { FailureMode } from '../../src/config/types.js';
import type { TimedAnswer } from './rig.js';

/** Slack over the deadline for TLS, JSON and a busy 2-core CI machine; the deadline itself is the bound under test. */
export const MARGIN_MS = 500;

/**
 * The answer arrived in time, carries the uid, and follows the failure mode: failOpen admits with a
 * warning naming the cause; failClosed denies with 500 saying Vault could not be asked, never with
 * a finding (a violation is a 403 with `[Code]` lines).
 */
export function assertOutageAnswer(a: TimedAnswer, uid: string, failureMode: FailureMode, deadlineMs: number, cause: RegExp): void {
  assert.equal(a.res.status, 200, a.res.text);
  assert.ok(a.elapsedMs <= deadlineMs + MARGIN_MS, `answered after ${Math.round(a.elapsedMs)} ms (deadline ${deadlineMs} ms)`);
  const response = a.res.body.response;
  assert.equal(response.uid, uid);
  if (failureMode === 'failOpen') {
    assert.equal(response.allowed, true, a.res.text);
    const warnings = (response.warnings ?? []).join('\n');
    assert.match(warnings, /VaultUnavailable|failOpen/, warnings);
    assert.match(warnings, cause, warnings);
  } else {
    assert.equal(response.allowed, false, a.res.text);
    assert.equal(response.status?.code, 500, 'a Vault outage is not a violation (403)');
    const message = response.status?.message ?? '';
    assert.match(message, /could not be checked against Vault|could not complete its checks/, message);
    assert.match(message, /failClosed/, message);
    assert.match(message, cause, message);
    assert.doesNotMatch(message, /\[(?!VaultUnavailable\])[A-Za-z]+\]/, 'no finding code is reported as a violation');
  }
}

/** A healthy answer for the known-good ExternalSecret: admitted, nothing to warn about. */
export function assertCleanAnswer(a: TimedAnswer, uid: string): void {
  assert.equal(a.res.status, 200, a.res.text);
  assert.equal(a.res.body.response.uid, uid);
  assert.equal(a.res.body.response.allowed, true, a.res.text);
  assert.deepEqual(a.res.body.response.warnings ?? [], [], a.res.text);
}

export function isClean(a: TimedAnswer): boolean {
  return a.res.status === 200 && a.res.body.response.allowed === true && (a.res.body.response.warnings ?? []).length === 0;
}
