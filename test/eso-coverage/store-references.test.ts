// Issue 15 items 9, 6, 7, 11 end to end (/validate and check): auth: {} at ExternalSecret level,
// data[].sourceRef.generatorRef as ESO reads it, label selectors as LabelSelectorAsSelector
// validates them, and every independent problem in one answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

const KEY_ERROR = `key: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;

test('auth: {} is reported on the ExternalSecret with ESO\'s words; data[].sourceRef.generatorRef is an empty store ref', async () => {
  const noAuth = clusterStore('vault-noauth', { auth: {} });
  const es = externalSecret('uses-noauth', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] }, 'apps', 'vault-noauth');
  const gen = externalSecret('data-generator', {
    data: [
      { secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' }, sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'pw' } } },
      { secretKey: 'u', remoteRef: { key: 'app/db', property: 'username' } },
    ],
  });
  const s = await scenario([clusterStore('vault'), noAuth, es, gen], baseState());
  try {
    const v = await s.validate(es);
    assert.equal(v.allowed, false);
    assert.match(v.message, /\[MalformedReference\] spec\.secretStoreRef: ClusterSecretStore "vault-noauth" sets spec\.provider\.vault\.auth with no method; ESO fails every read with "cannot initialize Vault client: no valid auth method specified"\./);
    const g = await s.validate(gen);
    assert.equal(g.allowed, false);
    assert.match(g.message, /\[StoreNotFound\] spec\.data\[0\]\.sourceRef\.generatorRef: generatorRef is not a generator in spec\.data .*ESO fails with "could not get SecretStore \\"\\""/);
    assert.match(g.message, /Move the generator to spec\.dataFrom\[\]\.sourceRef\.generatorRef/);
    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'uses-noauth'), ['MalformedReference spec.secretStoreRef']);
    assert.deepEqual(errorsOf(run.report, 'data-generator'), ['StoreNotFound spec.data[0].sourceRef.generatorRef']);
    assert.deepEqual(errorsOf(run.report, 'vault-noauth'), ['MalformedReference spec.provider.vault.auth']);
  } finally {
    await s.close();
  }
});

test('a namespaceSelector LabelSelectorAsSelector rejects: ESO\'s error on the ExternalSecret, a warning on the store', async () => {
  const store = clusterStore('vault', {}, {
    conditions: [{ namespaceSelector: { matchExpressions: [{ key: 'bad key', operator: 'In', values: ['x'] }] }, namespaces: ['apps'] }],
  });
  const badName = clusterStore('vault-names', {}, { conditions: [{ namespaces: ['Team A'] }] });
  const es = externalSecret('db', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] });
  const es2 = externalSecret('db2', { data: [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }] }, 'apps', 'vault-names');
  const s = await scenario([store, badName, es, es2], baseState());
  try {
    // `namespaces: [apps]` would admit the namespace, but ESO converts the selector first and fails.
    const v = await s.validate(es);
    assert.equal(v.allowed, false);
    assert.ok(v.message.includes(`[InvalidSelector] spec.secretStoreRef: ClusterSecretStore "vault" has a condition ESO cannot evaluate, so it cannot decide whether namespace "apps" may use the store and fails with "failed to convert label selector into selector …: ${KEY_ERROR.replace(/ {2,}/g, ' ')}".`), v.message);
    const v2 = await s.validate(es2);
    assert.ok(v2.message.includes('failed to convert label selector into selector …: values[0][kubernetes.io/metadata.name]: Invalid value: "Team A": a valid label must be an empty string or consist of alphanumeric characters'), v2.message);
    const storeVerdict = await s.validate(store);
    assert.equal(storeVerdict.allowed, true);
    assert.ok(storeVerdict.warnings.some((w) => w.startsWith('[InvalidSelector] spec.conditions[0].namespaceSelector: ESO cannot convert this label selector')), storeVerdict.warnings.join('\n'));
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'db'), ['InvalidSelector spec.secretStoreRef']);
    // check's JSON keeps ESO's text byte for byte.
    assert.ok(run.report.findings.some((f) => f.resource.name === 'db' && f.message.includes(KEY_ERROR)));
    assert.deepEqual(run.report.findings.filter((f) => f.resource.name === 'vault-names').map((f) => `${f.severity} ${f.code} ${f.field}`), ['warning InvalidSelector spec.conditions[0].namespaces[0]']);
  } finally {
    await s.close();
  }
});

test('every independent problem in one answer: a malformed reference and its store\'s role; a file-like mountPath and a missing KV mount', async () => {
  const wrongRole = clusterStore('vault-role', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'esoo' } } });
  const es = externalSecret('two-problems', {
    data: [
      { secretKey: 'p', remoteRef: { key: 'app/db', property: 'password', version: 'latest' } },
      { secretKey: 't', remoteRef: { key: 'app/api', property: 'token' } },
    ],
  }, 'apps', 'vault-role');
  const fileMount = clusterStore('vault-file', { path: 'nokv', auth: { kubernetes: { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount/token', role: 'eso' } } });
  const s = await scenario([wrongRole, es, fileMount], baseState());
  try {
    const v = await s.validate(es);
    assert.equal(v.allowed, false);
    assert.match(v.message, /\[MalformedReference\] spec\.data\[0\]\.remoteRef\.version: "latest" is not a version number/);
    assert.match(v.message, /\[RoleNotFound\] spec\.secretStoreRef:/);
    // The store: the file path and, for an operator, the path that is no KV mount.
    const run = await s.check(['--trust', 'operator']);
    assert.deepEqual(errorsOf(run.report, 'vault-file').sort(), ['InvalidMountPath spec.provider.vault.auth.kubernetes.mountPath', 'MountNotFound spec.provider.vault.path']);
    assert.deepEqual(errorsOf(run.report, 'two-problems').sort(), ['MalformedReference spec.data[0].remoteRef.version', 'RoleNotFound spec.secretStoreRef']);
    // Through the webhook the mount is not revealed when no login is possible (no oracle).
    const webhook = await s.validate(fileMount);
    assert.match(webhook.message, /\[InvalidMountPath\]/);
    assert.doesNotMatch(webhook.message, /MountNotFound/);
  } finally {
    await s.close();
  }
});
