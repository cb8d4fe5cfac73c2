import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, resolveMode } from '../../src/checks/decide.js';
import type { Finding } from '../../src/checks/finding.js';
import type { CheckResult } from '../../src/checks/result.js';

const error1: Finding = { code: 'PropertyNotFound', severity: 'error', field: 'spec.data[0].remoteRef.property', message: 'kv/dev/data/postgres has no property "pasword".', hint: 'Did you mean "password"?' };
const error2: Finding = { code: 'SecretNotFound', severity: 'error', field: 'spec.data[1].remoteRef.key', message: 'Vault has no secret at kv/dev/data/redis.' };
const warn1: Finding = { code: 'InsecureVaultAddress', severity: 'warning', field: 'spec.provider.vault.server', message: 'plain HTTP.' };

function result(findings: Finding[], extra: Partial<CheckResult> = {}): CheckResult {
  return { findings, couldNotCheck: [], resource: { kind: 'ExternalSecret', namespace: 'myapp', name: 'pg' }, annotations: {}, ...extra };
}

test('enforce: every error in one 403 message, one line each, with the fix', () => {
  const d = decide(result([error1, error2, warn1]), { mode: 'enforce', failureMode: 'failOpen' });
  assert.equal(d.allowed, false);
  assert.equal(d.statusCode, 403);
  const lines = (d.message ?? '').split('\n');
  assert.equal(lines[0], 'ExternalSecret myapp/pg has 2 problems that ESO would fail on:');
  assert.equal(lines[1], '[PropertyNotFound] spec.data[0].remoteRef.property: kv/dev/data/postgres has no property "pasword". Fix: Did you mean "password"?');
  assert.equal(lines[2], '[SecretNotFound] spec.data[1].remoteRef.key: Vault has no secret at kv/dev/data/redis.');
  assert.deepEqual(d.warnings, ['[InsecureVaultAddress] spec.provider.vault.server: plain HTTP.']);
  assert.deepEqual(d.codes, ['PropertyNotFound', 'SecretNotFound', 'InsecureVaultAddress']);
});

test('warn: errors become warnings; audit: allowed silently with codes', () => {
  const warn = decide(result([error1]), { mode: 'warn', failureMode: 'failOpen' });
  assert.equal(warn.allowed, true);
  assert.ok(warn.warnings.some((w) => w.startsWith('[PropertyNotFound] spec.data[0].remoteRef.property:')));
  const audit = decide(result([error1]), { mode: 'audit', failureMode: 'failOpen' });
  assert.deepEqual(audit, { allowed: true, warnings: [], codes: ['PropertyNotFound'], severities: { PropertyNotFound: 'error' }, wouldDeny: true });
  assert.equal(warn.wouldDeny, true);
});

test('mode overrides: annotation beats namespace label beats global; invalid values are ignored', () => {
  assert.equal(resolveMode('enforce', { 'eso-vault-guard.io/mode': 'warn' }, {}), 'warn');
  assert.equal(resolveMode('enforce', { 'eso-vault-guard.io/mode': 'warn' }, { 'eso-vault-guard.io/mode': 'audit' }), 'audit');
  assert.equal(resolveMode('warn', undefined, { 'eso-vault-guard.io/mode': 'bogus' }), 'warn');
  const d = decide(result([error1], { annotations: { 'eso-vault-guard.io/mode': 'warn' } }), { mode: 'enforce', failureMode: 'failOpen' });
  assert.equal(d.allowed, true);
});

test('skip-codes annotation removes those findings', () => {
  const d = decide(result([error1, error2], { annotations: { 'eso-vault-guard.io/skip-codes': 'PropertyNotFound, SecretNotFound' } }), { mode: 'enforce', failureMode: 'failOpen' });
  assert.deepEqual(d, { allowed: true, warnings: [], codes: [] });
});

test('could not check: failOpen allows with a warning, failClosed denies with 500 saying what', () => {
  const r = result([], { couldNotCheck: [{ reason: 'Vault is sealed (GET sys/auth)' }] });
  const open = decide(r, { mode: 'enforce', failureMode: 'failOpen' });
  assert.equal(open.allowed, true);
  assert.match(open.warnings.join('\n'), /Vault is sealed/);
  const closed = decide(r, { mode: 'enforce', failureMode: 'failClosed' });
  assert.equal(closed.allowed, false);
  assert.equal(closed.statusCode, 500);
  assert.match(closed.message ?? '', /could not be checked against Vault: Vault is sealed/);
});
