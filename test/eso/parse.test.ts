// One model for v1 and v1beta1, CRD defaults, tolerance of unknown fields, problems instead of throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEsoObject } from '../../src/eso/index.js';

function doc(apiVersion: string, kind: string, spec: unknown, meta: Record<string, unknown> = { name: 'x', namespace: 'ns' }): Record<string, unknown> {
  return { apiVersion, kind, metadata: meta, spec };
}

const storeSpec = {
  provider: { vault: { server: 'https://v:8200', path: 'secret', auth: { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa' } } }, futureField: 1 } },
  refreshInterval: 60,
  somethingNew: { a: 1 },
};
const esSpec = {
  secretStoreRef: { name: 's' },
  data: [{ secretKey: 'k', remoteRef: { key: 'app', property: 'p', conversionStrategy: 'Default', decodingStrategy: 'None' } }],
  dataFrom: [
    { extract: { key: 'app', conversionStrategy: 'Default', decodingStrategy: 'None' } },
    { find: { path: 'dev', name: { regexp: '.*' } }, rewrite: [{ regexp: { source: 'a', target: 'b' } }] },
  ],
};

function withoutVersionAndRaw(model: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, raw: _r, ...rest } = model;
  return rest;
}

test('v1 and v1beta1 give the same model (stores and ExternalSecrets)', () => {
  for (const kind of ['SecretStore', 'ClusterSecretStore']) {
    const a = parseEsoObject(doc('external-secrets.io/v1', kind, storeSpec));
    const b = parseEsoObject(doc('external-secrets.io/v1beta1', kind, storeSpec));
    assert.ok((a.kind === 'SecretStore' || a.kind === 'ClusterSecretStore') && b.kind === a.kind);
    assert.equal(a.kind, kind);
    assert.deepEqual(a.problems, []);
    assert.deepEqual(withoutVersionAndRaw({ ...a.model }), withoutVersionAndRaw({ ...b.model }));
  }
  const a = parseEsoObject(doc('external-secrets.io/v1', 'ExternalSecret', esSpec));
  const b = parseEsoObject(doc('external-secrets.io/v1beta1', 'ExternalSecret', esSpec));
  assert.ok(a.kind === 'ExternalSecret' && b.kind === 'ExternalSecret');
  assert.deepEqual(a.problems, []);
  assert.deepEqual(withoutVersionAndRaw({ ...a.model }), withoutVersionAndRaw({ ...b.model }));
});

test('CRD defaults: vault version v2, auth mount paths, secretStoreRef kind, metadataPolicy, target policies', () => {
  const s = parseEsoObject(doc('external-secrets.io/v1', 'ClusterSecretStore', {
    provider: { vault: { server: 's', auth: { kubernetes: { role: 'r' }, appRole: { roleId: 'i', secretRef: { name: 'x' } }, jwt: { secretRef: { name: 'j' } }, ldap: { username: ' u ' }, userPass: { username: 'u' }, cert: {}, iam: { vaultRole: 'v' }, gcp: { role: 'g' } } } },
  }));
  assert.ok(s.kind === 'ClusterSecretStore' && s.model.provider.type === 'vault');
  const v = s.model.provider.vault;
  assert.equal(v.version, 'v2');
  assert.equal(v.path, null);
  const paths = Object.fromEntries(v.allAuth.map((a) => [a.method, 'path' in a ? a.path : 'mountPath' in a ? a.mountPath : '']));
  assert.deepEqual(paths, { appRole: 'approle', kubernetes: 'kubernetes', ldap: 'ldap', userPass: 'userpass', jwt: 'jwt', cert: 'cert', iam: 'aws', gcp: 'gcp' });
  const iam = v.allAuth.find((a) => a.method === 'iam');
  assert.equal(iam?.method === 'iam' ? iam.region : '', 'us-east-1');
  const ldap = v.allAuth.find((a) => a.method === 'ldap');
  assert.equal(ldap?.method === 'ldap' ? ldap.username : '', 'u');
  assert.equal(v.auth.method, 'appRole');

  const e = parseEsoObject(doc('external-secrets.io/v1', 'ExternalSecret', { secretStoreRef: { name: 's' }, data: [{ secretKey: 'k', remoteRef: { key: 'a' } }] }));
  assert.ok(e.kind === 'ExternalSecret');
  assert.deepEqual(e.model.secretStoreRef, { kind: 'SecretStore', name: 's', field: 'spec.secretStoreRef', kindDefaulted: true });
  assert.equal(e.model.data[0]?.remoteRef.metadataPolicy, 'None');
  assert.equal(e.model.data[0]?.remoteRef.conversionStrategy, undefined); // no v1 default since ESO 2.9
  assert.deepEqual(e.model.target, { creationPolicy: 'Owner', deletionPolicy: 'Retain' });
  const beta = parseEsoObject(doc('external-secrets.io/v1beta1', 'ExternalSecret', { secretStoreRef: { name: 's' }, data: [{ secretKey: 'k', remoteRef: { key: 'a' } }] }));
  assert.ok(beta.kind === 'ExternalSecret');
  assert.equal(beta.model.data[0]?.remoteRef.conversionStrategy, 'Default'); // v1beta1 CRD still defaults it
  assert.equal(beta.model.data[0]?.remoteRef.decodingStrategy, 'None');
});

test('path: omitted is null, "" stays ""', () => {
  const p = parseEsoObject(doc('external-secrets.io/v1', 'ClusterSecretStore', { provider: { vault: { server: 's', path: '' } } }));
  assert.ok(p.kind === 'ClusterSecretStore' && p.model.provider.type === 'vault');
  assert.equal(p.model.provider.vault.path, '');
});

test('malformed input becomes MalformedReference problems with field paths, never a throw', () => {
  const noProvider = parseEsoObject(doc('external-secrets.io/v1', 'SecretStore', {}));
  assert.ok(noProvider.kind === 'SecretStore');
  assert.deepEqual(noProvider.problems.map((p) => [p.code, p.field]), [['MalformedReference', 'spec.provider']]);
  assert.deepEqual(noProvider.model.provider, { type: 'other', name: '' });

  const wrong = parseEsoObject(doc('external-secrets.io/v1', 'ExternalSecret', { secretStoreRef: 'vault', data: [{ secretKey: 'k', remoteRef: { key: 5, property: ['x'] } }, 'junk'] }));
  assert.ok(wrong.kind === 'ExternalSecret');
  const fields = wrong.problems.map((p) => p.field);
  assert.ok(fields.includes('spec.secretStoreRef'));
  assert.ok(fields.includes('spec.data[0].remoteRef.key'));
  assert.ok(fields.includes('spec.data[0].remoteRef.property'));
  assert.ok(fields.includes('spec.data[1]'));
  for (const p of wrong.problems) assert.equal(p.code, 'MalformedReference');

  for (const junk of [null, 42, 'x', [], { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: 7, spec: [] }]) {
    assert.doesNotThrow(() => parseEsoObject(junk));
  }
});

test('non-Vault providers, Namespaces and other objects', () => {
  const aws = parseEsoObject(doc('external-secrets.io/v1', 'SecretStore', { provider: { aws: { service: 'SecretsManager' } } }));
  assert.ok(aws.kind === 'SecretStore');
  assert.deepEqual(aws.model.provider, { type: 'other', name: 'aws' });
  assert.deepEqual(parseEsoObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { team: 'x' } } }), { kind: 'Namespace', name: 'a', labels: { team: 'x' } });
  assert.deepEqual(parseEsoObject({ apiVersion: 'v1', kind: 'Secret' }), { kind: 'Other', apiVersion: 'v1', kindName: 'Secret' });
  assert.equal(parseEsoObject({ apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret' }).kind, 'Other');
});

test("ESO's own webhook rules become problems: dataFrom combinations, no data, duplicate keys, SecretStore namespace rule", () => {
  const e = parseEsoObject(doc('external-secrets.io/v1', 'ExternalSecret', {
    secretStoreRef: { name: 's' },
    data: [{ secretKey: 'k', remoteRef: { key: 'a' } }, { secretKey: 'k', remoteRef: { key: 'b' } }],
    dataFrom: [{ extract: { key: 'a' }, find: { path: 'x' } }, { rewrite: [] }, { sourceRef: {} }],
  }));
  const msgs = e.kind === 'ExternalSecret' ? e.problems.map((p) => `${p.field}: ${p.message}`) : [];
  assert.ok(msgs.includes('spec.dataFrom[0]: extract, find, or generatorRef cannot be set at the same time'));
  assert.ok(msgs.includes('spec.dataFrom[1]: either extract, find, or sourceRef must be set to dataFrom'));
  assert.ok(msgs.includes('spec.dataFrom[2].sourceRef: generatorRef or storeRef must be set when using sourceRef in dataFrom'));
  assert.ok(msgs.includes('spec.data[1].secretKey: duplicate secretKey found: k'));
  const empty = parseEsoObject(doc('external-secrets.io/v1', 'ExternalSecret', { secretStoreRef: { name: 's' } }));
  assert.ok(empty.kind === 'ExternalSecret' && empty.problems[0]?.message === 'either data or dataFrom should be specified');

  const ss = parseEsoObject(doc('external-secrets.io/v1', 'SecretStore', { provider: { vault: { server: 's', auth: { kubernetes: { role: 'r', serviceAccountRef: { name: 'sa', namespace: 'elsewhere' } } } } } }));
  assert.ok(ss.kind === 'SecretStore');
  assert.equal(ss.problems[0]?.field, 'spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace');
  assert.match(ss.problems[0]?.message ?? '', /^invalid Auth.Kubernetes.ServiceAccountRef: namespace should either be empty or match the namespace of the SecretStore/);
  const appRole = parseEsoObject(doc('external-secrets.io/v1', 'ClusterSecretStore', { provider: { vault: { server: 's', auth: { appRole: { secretRef: { name: 'x' } } } } } }));
  assert.ok(appRole.kind === 'ClusterSecretStore' && appRole.problems[0]?.message === 'invalid Auth.AppRole: neither `roleId` nor `roleRef` was supplied');
  const fileMount = parseEsoObject(doc('external-secrets.io/v1', 'ClusterSecretStore', { provider: { vault: { server: 's', auth: { kubernetes: { role: 'r', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount/token' } } } } }));
  assert.ok(fileMount.kind === 'ClusterSecretStore' && fileMount.problems[0]?.code === 'InvalidMountPath');
});

test('parseEsoObject never throws on arbitrary JSON-like input', async () => {
  const fc = (await import('fast-check')).default;
  const anyValue = fc.jsonValue();
  const esLike = fc.record({
    apiVersion: fc.constantFrom('external-secrets.io/v1', 'external-secrets.io/v1beta1'),
    kind: fc.constantFrom('ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'Namespace'),
    metadata: anyValue,
    spec: fc.oneof(anyValue, fc.record({ provider: fc.oneof(anyValue, fc.record({ vault: anyValue })), data: anyValue, dataFrom: anyValue, conditions: anyValue, secretStoreRef: anyValue })),
  });
  fc.assert(fc.property(fc.oneof(anyValue, esLike), (v) => {
    parseEsoObject(v);
  }), { numRuns: 500 });
});
