// newFindings: what `impact` reports of an object is what its findings after the change have that
// today's have not — the same problem reworded is not new; one more failing candidate is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newFindings } from '../../src/cli/impact/diff.js';
import type { Finding } from '../../src/checks/finding.js';

const f = (code: Finding['code'], field: string, message: string, severity: Finding['severity'] = 'error'): Finding => ({ code, severity, field, message });

test('newFindings: the same code, severity and field is the same problem, whatever the wording', () => {
  const today = [f('PolicyDenied', 'spec.data[0].remoteRef.key', 'no rule matches')];
  assert.deepEqual(newFindings(today, [f('PolicyDenied', 'spec.data[0].remoteRef.key', 'denied by rule "x"')]), []);
});

test('newFindings: another code, field or severity is new', () => {
  const today = [f('SecretNotFound', 'spec.data[0].remoteRef.key', 'm')];
  const after = [f('PolicyDenied', 'spec.data[0].remoteRef.key', 'm'), f('SecretNotFound', 'spec.data[1].remoteRef.key', 'm'), f('SecretNotFound', 'spec.data[0].remoteRef.key', 'm', 'warning')];
  assert.deepEqual(newFindings(today, after), after);
});

test('newFindings: several findings on one field are matched message for message first', () => {
  const field = 'spec.dataFrom[0].find';
  const today = [f('PolicyDenied', field, 'candidate a')];
  const after = [f('PolicyDenied', field, 'candidate b'), f('PolicyDenied', field, 'candidate a')];
  assert.deepEqual(newFindings(today, after), [f('PolicyDenied', field, 'candidate b')]);
  // Two reworded stay two known problems; a third is new.
  assert.deepEqual(newFindings([f('PolicyDenied', field, 'x'), f('PolicyDenied', field, 'y')], [f('PolicyDenied', field, 'x2'), f('PolicyDenied', field, 'y2'), f('PolicyDenied', field, 'z')]).length, 1);
});

test('newFindings: a finding the change removes is not reported', () => {
  assert.deepEqual(newFindings([f('PolicyDenied', 'spec.data[0].remoteRef.key', 'm')], []), []);
});
