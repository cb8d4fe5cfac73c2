import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretStateFindings, type SecretStateInput } from '../../src/checks/rules/secret-state.js';

function input(extra: Partial<SecretStateInput>): SecretStateInput {
  return { field: 'spec.data[0].remoteRef.key', requestPath: 'secret/data/app', read: { state: 'present', shape: { type: 'object', keys: {} }, envelopeShape: { type: 'object', keys: {} } }, missingIsSkipped: false, hints: [], ...extra };
}

test('present: nothing', () => {
  assert.deepEqual(secretStateFindings(input({})), []);
});

test('missing: SecretNotFound error; warning when deletionPolicy skips it', () => {
  const f = secretStateFindings(input({ read: { state: 'missing' } }));
  assert.deepEqual(f.map((x) => [x.code, x.severity]), [['SecretNotFound', 'error']]);
  assert.match(f[0]?.message ?? '', /Secret does not exist/);
  assert.equal(secretStateFindings(input({ read: { state: 'missing' }, missingIsSkipped: true }))[0]?.severity, 'warning');
});

test('missing pinned version of an existing secret: SecretVersionNotFound on the version field', () => {
  const f = secretStateFindings(
    input({
      read: { state: 'missing' },
      version: '7',
      versionField: 'spec.data[0].remoteRef.version',
      metadata: { currentVersion: 2, oldestVersion: 1, versions: { '1': { createdTime: '', deletionTime: '', destroyed: false }, '2': { createdTime: '', deletionTime: '', destroyed: false } }, customMetadataKeys: [] },
    }),
  );
  assert.equal(f[0]?.code, 'SecretVersionNotFound');
  assert.equal(f[0]?.field, 'spec.data[0].remoteRef.version');
  assert.match(f[0]?.message ?? '', /versions are 1, 2, current 2/);
});

test('deleted and destroyed: SecretDeleted', () => {
  assert.equal(secretStateFindings(input({ read: { state: 'deleted', version: 3, deletionTime: '2026-01-01T00:00:00Z' } }))[0]?.code, 'SecretDeleted');
  assert.match(secretStateFindings(input({ read: { state: 'destroyed', version: 3 } }))[0]?.message ?? '', /destroyed/);
});

test('missing pinned version without readable metadata: SecretVersionNotFound without a versions list', () => {
  const f = secretStateFindings(input({ read: { state: 'missing' }, version: '9', versionField: 'spec.data[0].remoteRef.version', currentVersionExists: true }));
  assert.equal(f[0]?.code, 'SecretVersionNotFound');
  assert.doesNotMatch(f[0]?.message ?? '', /versions are/);
});
