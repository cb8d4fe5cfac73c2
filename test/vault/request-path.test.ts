// The one builder of Vault request paths: names validated as Vault does, segments encoded, and a
// refused name sends nothing (checked through the facts layer against the double).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildVaultRequest, InvalidVaultNameError, vaultNameProblem, type VaultEndpoint } from '../../src/vault/request-path.js';
import { startVaultDouble, webhookVaultConfig } from '../support/vault-double.js';
import { inMs, makeService } from './helpers.js';

test('role names follow Vault\'s GenericNameRegex', () => {
  for (const ok of ['a', 'team-a', 'team-a.v2_x', 'A1', '_x_', 'a..b']) assert.equal(vaultNameProblem('role', ok), undefined, ok);
  for (const bad of ['', '.', '..', '.a', 'a.', '-a', 'a-', 'a b', 'a/b', '../x', 'a?b', 'a#b', 'a\nb', 'é', '%2e%2e', 'a@b']) {
    assert.notEqual(vaultNameProblem('role', bad), undefined, JSON.stringify(bad));
  }
});

test('paths: "." / ".." / empty segments, "?", "#" and control characters are refused; the rest is encoded', () => {
  for (const bad of ['..', 'a/../b', 'a/./b', 'a//b', '/a', 'a/', 'a?b', 'a#b', 'a\nb', 'a\u0085b', '']) {
    assert.notEqual(vaultNameProblem('secretPath', bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(buildVaultRequest({ family: 'kv2.subkeys', mount: 'kv/dev/', secretPath: 'team a/%2e%2e/ü', version: '3' }), {
    endpoint: 'kv2.subkeys', method: 'GET', path: 'kv/dev/subkeys/team a/%2e%2e/ü', encodedPath: 'kv/dev/subkeys/team%20a/%252e%252e/%C3%BC', query: { version: '3' },
  });
  assert.equal(buildVaultRequest({ family: 'auth.role', mount: 'kubernetes/cluster-a', role: 'team-a' }).encodedPath, 'auth/kubernetes/cluster-a/role/team-a');
  assert.equal(buildVaultRequest({ family: 'kv.list', kvVersion: '2', mount: 'secret/', folder: '' }).path, 'secret/metadata/');
  assert.equal(buildVaultRequest({ family: 'kv.list', kvVersion: '1', mount: 'kv1/', folder: 'a b/' }).encodedPath, 'kv1/a%20b');
  assert.equal(buildVaultRequest({ family: 'kv2.config', mount: 'kv/dev/' }).encodedPath, 'kv/dev/config');
  const refused: VaultEndpoint[] = [
    { family: 'auth.role', mount: 'kubernetes', role: '../../../apps/data/team-b/db' },
    { family: 'auth.role', mount: '../apps', role: 'x' },
    { family: 'auth.config', mount: 'a/../b' },
    { family: 'kv2.config', mount: '../sys/policies/acl/' },
    { family: 'kv2.config', mount: 'kv?x=' },
    { family: 'sys.policies.acl', name: '../../auth/token/lookup-self' },
    { family: 'kv2.metadata', mount: 'kv/', secretPath: 'a/../../b' },
    { family: 'kv2.subkeys', mount: 'kv/', secretPath: 'a?b' },
    { family: 'kv2.data', mount: 'kv/', secretPath: 'a#b' },
    { family: 'kv1.data', mount: 'kv/', secretPath: 'a\nb' },
    { family: 'kv.list', kvVersion: '2', mount: 'kv/', folder: '../' },
    { family: 'sys.internal.ui.mounts', secretPath: 'kv/../sys' },
  ];
  for (const e of refused) assert.throws(() => buildVaultRequest(e), InvalidVaultNameError, JSON.stringify(e));
});

test('a refused name is answered "could not check" with no request sent', async () => {
  const double = await startVaultDouble({ state: { mounts: { 'kv/': { type: 'kv', options: { version: '2' } } }, auth: {}, policies: {}, secrets: {} } });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    const before = double.requests.length;
    const facts1 = [
      await facts.policyText(double.url, '../../auth/token/lookup-self', inMs(1000)),
      await facts.authRole(double.url, 'kubernetes', '../../../kv/data/x', inMs(1000)),
      await facts.kvMetadata(double.url, { mount: 'kv/', secretPath: '../sys/mounts' }, inMs(1000)),
      await facts.mountForPath(double.url, 'kv/data/../../sys', inMs(1000)),
      await facts.authMounts(double.url, { ...inMs(1000), namespace: '../x' }),
    ];
    for (const f of facts1) {
      assert.equal(f.status, 'unavailable', JSON.stringify(f));
      assert.match(f.status === 'unavailable' ? f.detail : '', /^not sent: invalid Vault /);
    }
    assert.equal(double.requests.length, before, 'nothing was sent');
  } finally {
    await facts.close();
    await double.close();
  }
});
