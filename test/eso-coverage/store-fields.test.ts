// Issue 15 item 12: store fields ESO uses that change what it does. A custom X-Vault-Namespace
// header is the namespace when `namespace` is unset (provider.go initClient AddHeader; SetNamespace
// only with `namespace`); a store of another controller class is not this ESO's (ShouldProcessStore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

function namespacedState() {
  const s = baseState() as unknown as { mounts: Record<string, unknown>; auth: Record<string, unknown>; secrets: Record<string, unknown> };
  s.mounts = { 'team-x/kv/': s.mounts['kv/'] };
  s.auth = { 'team-x/kubernetes/': s.auth['kubernetes/'] };
  s.secrets = Object.fromEntries(Object.entries(s.secrets).map(([k, v]) => [`team-x/${k}`, v]));
  return s as never;
}

test('headers X-Vault-Namespace without namespace: everything is looked up in that namespace', async () => {
  const store = clusterStore('vault', { headers: { 'x-vault-namespace': 'team-x' } });
  const good = externalSecret('db', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] });
  const typo = externalSecret('db-typo', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'passwrd' } }] });
  const s = await scenario([store, good, typo], namespacedState());
  try {
    const st = await s.validate(store);
    assert.equal(st.allowed, true, st.message);
    assert.equal((await s.validate(good)).allowed, true);
    assert.match((await s.validate(typo)).message, /\[PropertyNotFound\].*Did you mean "password"/);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'vault'), []);
    assert.deepEqual(errorsOf(run.report, 'db-typo'), ['PropertyNotFound spec.data[0].remoteRef.property']);
  } finally {
    await s.close();
  }
});

test('a store of another controller class is left alone, and so are references to it', async () => {
  const other = clusterStore('vault-other', { path: 'nokv', auth: { kubernetes: { mountPath: 'nothere', role: 'x' } } }, { controller: 'team-b' });
  const es = externalSecret('db', { data: [{ secretKey: 'p', remoteRef: { key: 'app/missing' } }] }, 'apps', 'vault-other');
  const s = await scenario([other, es], baseState());
  try {
    const st = await s.validate(other);
    assert.equal(st.allowed, true, st.message);
    assert.deepEqual(st.warnings, []);
    assert.equal((await s.validate(es)).allowed, true);
    const run = await s.check();
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.report.findings.some((f) => f.resource.name === 'vault-other' && f.code === 'StoreOutOfScope' && f.field === 'spec.controller'));
  } finally {
    await s.close();
  }
});
