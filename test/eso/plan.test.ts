// Request planning per reference: paths, ?version=, metadata Fetch, find LIST, capabilities, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOfflineLookup, parseEsoObject, planExternalSecret, type ReferencePlan } from '../../src/eso/index.js';

function plan(vault: Record<string, unknown>, spec: Record<string, unknown>): ReferencePlan[] {
  const docs = [
    { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'vault', namespace: 'app' }, spec: { provider: { vault: { server: 'https://v:8200', auth: { kubernetes: { role: 'r' } }, ...vault } } } },
    { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'aws', namespace: 'app' }, spec: { provider: { aws: {} } } },
    { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace: 'app' }, spec: { secretStoreRef: { name: 'vault' }, ...spec } },
  ].map((d) => parseEsoObject(d));
  const es = docs[2];
  assert.ok(es?.kind === 'ExternalSecret');
  return planExternalSecret(es.model, createOfflineLookup(docs, { name: 'eso', namespace: 'eso' }));
}

test('data[]: read of buildPath, ?version= only when set, field of the key', () => {
  const [a, b] = plan({ path: 'kv/dev' }, { data: [{ secretKey: 'a', remoteRef: { key: 'app', property: 'p' } }, { secretKey: 'b', remoteRef: { key: 'app', version: '3' } }] });
  assert.deepEqual(a?.requests, [{ purpose: 'data', logicalPath: 'kv/dev/data/app', httpPath: '/v1/kv/dev/data/app', capability: 'read', field: 'spec.data[0].remoteRef.key' }]);
  assert.deepEqual(b?.requests[0]?.query, { version: '3' });
  assert.equal(a?.identity?.serviceAccount?.source, 'controller');
  assert.deepEqual(a?.problems, []);
});

test('metadataPolicy Fetch: v2 reads the metadata path; v1 is an error with ESO\'s text', () => {
  const [v2] = plan({ path: 'secret' }, { data: [{ secretKey: 'a', remoteRef: { key: 'secret/foo', metadataPolicy: 'Fetch' } }] });
  assert.deepEqual(v2?.requests.map((r) => [r.purpose, r.httpPath, r.capability]), [['metadata', '/v1/secret/metadata/secret/foo', 'read']]);
  const [v1] = plan({ path: 'secret', version: 'v1' }, { data: [{ secretKey: 'a', remoteRef: { key: 'foo', metadataPolicy: 'Fetch' } }] });
  assert.deepEqual(v1?.requests, []);
  assert.equal(v1?.problems[0]?.code, 'MalformedReference');
  assert.equal(v1?.problems[0]?.field, 'spec.data[0].remoteRef.metadataPolicy');
  assert.match(v1?.problems[0]?.message ?? '', /cannot perform metadata fetch operations with kv version v1/);
  const [noPath] = plan({}, { data: [{ secretKey: 'a', remoteRef: { key: 'secret/foo', metadataPolicy: 'Fetch' } }] });
  assert.match(noPath?.problems[0]?.message ?? '', /provided Path isn't a valid kv v2 path/);
});

test('dataFrom.extract plans like data[]', () => {
  const [e] = plan({ path: 'secret' }, { dataFrom: [{ extract: { key: 'app' } }] });
  assert.equal(e?.kind, 'extract');
  assert.deepEqual(e?.requests.map((r) => [r.httpPath, r.field]), [['/v1/secret/data/app', 'spec.dataFrom[0].extract.key']]);
});

test('dataFrom.find: first LIST with capability list, per-candidate reads as patterns', () => {
  const [byName] = plan({ path: 'secret' }, { dataFrom: [{ find: { path: 'dev', name: { regexp: '^db' } } }] });
  assert.equal(byName?.kind, 'find');
  assert.deepEqual(byName?.requests, [{ purpose: 'list', logicalPath: 'secret/metadata/dev/', httpPath: '/v1/secret/metadata/dev', query: { list: 'true' }, capability: 'list', field: 'spec.dataFrom[0].find.path' }]);
  assert.deepEqual(byName?.perCandidate, [{ purpose: 'data', pathPattern: 'secret/data/dev/*', capability: 'read' }]);
  const [byTags] = plan({ path: 'secret' }, { dataFrom: [{ find: { tags: { team: 'a' } } }] });
  assert.equal(byTags?.requests[0]?.httpPath, '/v1/secret/metadata');
  assert.deepEqual(byTags?.perCandidate?.map((c) => [c.purpose, c.pathPattern]), [['tags-metadata', 'secret/metadata/*'], ['data', 'secret/data/*']]);
  const [v1] = plan({ path: 'secret', version: 'v1' }, { dataFrom: [{ find: { path: 'dev', name: { regexp: '.' } } }] });
  assert.equal(v1?.requests[0]?.httpPath, '/v1/secret/dev');
});

test('find errors: v1 + tags, v2 without any path, v1 without store path (panic)', () => {
  const [tags] = plan({ path: 'secret', version: 'v1' }, { dataFrom: [{ find: { tags: { a: 'b' } } }] });
  assert.match(tags?.problems[0]?.message ?? '', /cannot perform find by tag operations with kv version v1/);
  const [noPath] = plan({}, { dataFrom: [{ find: { name: { regexp: '.' } } }] });
  assert.match(noPath?.problems[0]?.message ?? '', /provided Path isn't a valid kv v2 path/);
  const [panic] = plan({ version: 'v1' }, { dataFrom: [{ find: { path: 'x', name: { regexp: '.' } } }] });
  assert.match(panic?.problems[0]?.message ?? '', /panics/);
  for (const p of [tags, noPath, panic]) assert.equal(p?.problems[0]?.code, 'MalformedReference');
});

test('dataFrom generators and non-Vault stores are out of scope; a storeRef-only dataFrom does nothing', () => {
  const plans = plan({ path: 'secret' }, {
    data: [{ secretKey: 'g', remoteRef: { key: 'x' }, sourceRef: { generatorRef: { kind: 'Password', name: 'p' } } }, { secretKey: 'o', remoteRef: { key: 'x' }, sourceRef: { storeRef: { name: 'aws' } } }],
    dataFrom: [{ sourceRef: { generatorRef: { kind: 'Password', name: 'p' } } }, { sourceRef: { storeRef: { name: 'vault' } } }],
  });
  // spec.data[].sourceRef.generatorRef is no generator in ESO: an empty store reference (issue 15 item 6).
  assert.deepEqual(plans.map((p) => p.kind), ['data', 'data', 'generator', 'empty']);
  assert.equal(plans[0]?.problems[0]?.code, 'StoreNotFound');
  assert.equal(plans[0]?.problems[0]?.field, 'spec.data[0].sourceRef.generatorRef');
  assert.ok(plans[2]?.outOfScope);
  assert.ok(plans[1]?.outOfScope);
  assert.equal(plans[1]?.problems[0]?.code, 'StoreOutOfScope');
  assert.deepEqual(plans[3]?.requests, []);
});

test('no secretStoreRef and no override: StoreNotFound for SecretStore ""', () => {
  const docs = [parseEsoObject({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace: 'a' }, spec: { data: [{ secretKey: 'k', remoteRef: { key: 'x' } }] } })];
  const es = docs[0];
  assert.ok(es?.kind === 'ExternalSecret');
  const [p] = planExternalSecret(es.model, createOfflineLookup(docs, { name: 'eso', namespace: 'eso' }));
  assert.equal(p?.problems[0]?.code, 'StoreNotFound');
  assert.match(p?.problems[0]?.message ?? '', /could not get SecretStore \\"\\"/);
});
