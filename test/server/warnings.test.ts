import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postAdmission } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import { fitWarnings, WARNING_BUDGET_RUNES } from '../../src/server/warnings.js';
import { startTestServers } from './harness.js';

const runes = (s: string) => Array.from(s).length;
const totalRunes = (ws: string[]) => ws.reduce((n, w) => n + runes(w), 0);

test('warnings within the budget pass unchanged except for being made single-line and de-duplicated', () => {
  assert.deepEqual(fitWarnings(['a', 'b\nc', 'a', '  ', 'tab\there']), ['a', 'b c', 'tab here']);
});

test('many warnings are cut under 4096 runes with a final "… N more findings" line', () => {
  // Multi-byte characters: the budget counts runes, not bytes or UTF-16 units.
  const warnings = Array.from({ length: 100 }, (_, i) => `spec.data[${i}].remoteRef.property: clé "pässwörd-${i}" 🔑 not found`.padEnd(90, '·'));
  const fitted = fitWarnings(warnings);
  assert.ok(totalRunes(fitted) <= WARNING_BUDGET_RUNES, `${totalRunes(fitted)} runes`);
  const last = fitted[fitted.length - 1] ?? '';
  const kept = fitted.length - 1;
  assert.equal(last, `… ${100 - kept} more findings`);
  assert.deepEqual(fitted.slice(0, kept), warnings.slice(0, kept), 'the first warnings are kept whole, in order');
  // As many as fit: one more warning would have passed the budget.
  assert.ok(totalRunes(warnings.slice(0, kept + 1)) + runes(`… ${100 - kept - 1} more findings`) > WARNING_BUDGET_RUNES);
  assert.ok(fitted.every((w) => !w.includes('\n')));
});

test('one more finding is reported in the singular', () => {
  const fitted = fitWarnings(['x'.repeat(1000), 'y'.repeat(1000), 'z'.repeat(1000), 'w'.repeat(1000), 'v'.repeat(200)]);
  assert.equal(fitted[fitted.length - 1], '… 1 more finding');
  assert.ok(totalRunes(fitted) <= WARNING_BUDGET_RUNES);
});

test('a single huge warning is shortened rather than crowding out the others', () => {
  const fitted = fitWarnings(['h'.repeat(10_000), 'short']);
  assert.equal(fitted.length, 2);
  assert.equal(runes(fitted[0] ?? ''), 1024);
  assert.ok(fitted[0]?.endsWith('…'));
  assert.equal(fitted[1], 'short');
});

test('the webhook answer keeps warnings under the API server budget', async () => {
  const many = Array.from({ length: 300 }, (_, i) => `warning number ${i}: ${'ü'.repeat(40)}`);
  const servers = await startTestServers({
    handlers: {
      validate: async () => ({ allowed: true, warnings: many, codes: [] }),
      mutate: async () => ({ allowed: true, warnings: [], codes: [] }),
    },
  });
  try {
    const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret()), servers.ca);
    const warnings = res.body.response.warnings ?? [];
    assert.ok(warnings.length > 10 && warnings.length < 300);
    assert.ok(totalRunes(warnings) <= WARNING_BUDGET_RUNES);
    assert.match(warnings[warnings.length - 1] ?? '', /^… \d+ more findings$/);
  } finally {
    await servers.close();
  }
});
