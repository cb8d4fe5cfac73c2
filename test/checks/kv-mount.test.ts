import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvMountFindings, type MountInput } from '../../src/checks/rules/kv-mount.js';

function input(extra: Partial<MountInput>): MountInput {
  return {
    store: { kind: 'ClusterSecretStore', name: 'vault' },
    storeVersion: 'v2',
    storePath: 'secret',
    requestPath: 'secret/data/app',
    purpose: 'data',
    field: 'spec.data[0].remoteRef.key',
    versionField: 'spec.secretStoreRef',
    mount: { mountPath: 'secret/', type: 'kv', kvVersion: '2' },
    ...extra,
  };
}

test('matching KV v2 mount: no finding, proceed', () => {
  assert.deepEqual(kvMountFindings(input({})), { findings: [], proceed: true });
});

test('no mount: MountNotFound on the key field', () => {
  const v = kvMountFindings(input({ mount: undefined }));
  assert.equal(v.proceed, false);
  assert.equal(v.findings[0]?.code, 'MountNotFound');
  assert.equal(v.findings[0]?.field, 'spec.data[0].remoteRef.key');
});

test('v2 store on a v1 mount: KVVersionMismatch error on the version field', () => {
  const v = kvMountFindings(input({ mount: { mountPath: 'secret/', type: 'kv', kvVersion: '1' } }));
  assert.equal(v.findings[0]?.code, 'KVVersionMismatch');
  assert.equal(v.findings[0]?.severity, 'error');
  assert.equal(v.findings[0]?.field, 'spec.secretStoreRef');
  assert.equal(v.proceed, false);
});

test('v1 store on a v2 mount: error, except the data/ workaround which only warns', () => {
  const broken = kvMountFindings(input({ storeVersion: 'v1', requestPath: 'secret/app', mount: { mountPath: 'secret/', type: 'kv', kvVersion: '2' } }));
  assert.equal(broken.findings[0]?.severity, 'error');
  const workaround = kvMountFindings(input({ storeVersion: 'v1', requestPath: 'secret/data/app' }));
  assert.equal(workaround.findings[0]?.severity, 'warning');
  assert.equal(workaround.proceed, true);
});

test('nested path on a parent mount: MountNotFound with the fix', () => {
  const v = kvMountFindings(input({ storePath: 'kv/dev', requestPath: 'kv/dev/data/app', mount: { mountPath: 'kv/', type: 'kv', kvVersion: '2' } }));
  assert.equal(v.findings[0]?.code, 'MountNotFound');
  assert.match(v.findings[0]?.hint ?? '', /path: "kv" and start keys with "dev\/"/);
});

test('non-KV engine: v1 is left alone (never read), v2 is a mismatch', () => {
  assert.deepEqual(kvMountFindings(input({ storeVersion: 'v1', mount: { mountPath: 'database/', type: 'database', kvVersion: null } })), { findings: [], proceed: false });
  assert.equal(kvMountFindings(input({ mount: { mountPath: 'database/', type: 'database', kvVersion: null } })).findings[0]?.code, 'KVVersionMismatch');
});
