import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authMountFindings } from '../../src/checks/rules/auth-mount.js';

const mounts = {
  'kubernetes/': { path: 'kubernetes/', type: 'kubernetes', accessor: 'a1' },
  'oidc/': { path: 'oidc/', type: 'oidc', accessor: 'a2' },
};
const base = { store: { kind: 'ClusterSecretStore' as const, name: 'v' }, mountField: 'spec.provider.vault.auth.kubernetes.mountPath', authMounts: mounts };

test('existing mount of the right type: no finding, mount returned', () => {
  const r = authMountFindings({ ...base, method: 'kubernetes', authMountPath: 'kubernetes' });
  assert.deepEqual(r.findings, []);
  assert.equal(r.mount?.accessor, 'a1');
  // The jwt plugin also serves mounts enabled as type oidc.
  assert.deepEqual(authMountFindings({ ...base, method: 'jwt', authMountPath: 'oidc' }).findings, []);
});

test('missing mount names the mounts of the right type; wrong type says which', () => {
  const missing = authMountFindings({ ...base, method: 'kubernetes', authMountPath: 'kubernetes-prod' });
  assert.equal(missing.findings[0]?.code, 'AuthMountNotFound');
  assert.match(missing.findings[0]?.hint ?? '', /"kubernetes"/);
  const wrong = authMountFindings({ ...base, method: 'kubernetes', authMountPath: 'oidc' });
  assert.equal(wrong.findings[0]?.code, 'AuthMountTypeMismatch');
  assert.match(wrong.findings[0]?.message ?? '', /of type "oidc", not "kubernetes"/);
  const reported = authMountFindings({ ...base, method: 'kubernetes', authMountPath: 'x', reportField: 'spec.secretStoreRef' });
  assert.equal(reported.findings[0]?.field, 'spec.secretStoreRef');
});
