// One named test per buildPath / buildMetadataPath quirk of the semantics doc (§a.2, §a.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDataPath, buildMetadataPath, INVALID_KV2_PATH, MetadataPathError, toHttpPath } from '../../src/eso/index.js';

test('a.2-1 mount stripped only as a leading "<path>/": key equal to the mount and repeated mounts stay', () => {
  assert.equal(buildDataPath('secret', 'v2', 'secret/foo'), 'secret/data/foo');
  assert.equal(buildDataPath('secret', 'v2', 'secret/data/foo'), 'secret/data/foo');
  assert.equal(buildDataPath('secret', 'v2', 'secret'), 'secret/data/secret');
  assert.equal(buildDataPath('secret', 'v2', 'secret/secret/foo'), 'secret/data/secret/foo');
  assert.equal(buildDataPath('secret', 'v2', 'xsecret/foo'), 'secret/data/xsecret/foo');
});

test('a.2-2 "data/" stripped only right after a stripped mount prefix', () => {
  assert.equal(buildDataPath('secret', 'v2', 'data/foo'), 'secret/data/data/foo');
  assert.equal(buildDataPath('secret', 'v2', 'secret/data/foo'), 'secret/data/foo');
});

test('a.2-3 "/data" inside the store path is never removed', () => {
  assert.equal(buildDataPath('secret/data', 'v2', 'foo'), 'secret/data/data/foo');
  assert.equal(buildDataPath('secret/data', 'v2', 'secret/data/foo'), 'secret/data/data/foo');
});

test('a.2-4 nested mounts are taken literally', () => {
  assert.equal(buildDataPath('kv/dev', 'v2', 'app'), 'kv/dev/data/app');
  assert.equal(buildDataPath('kv', 'v2', 'dev/app'), 'kv/data/dev/app');
  assert.equal(buildDataPath('kv/dev', 'v2', 'kv/app'), 'kv/dev/data/kv/app');
});

test('a.2-5 no store path, v2: first segment is the mount; "/data/" anywhere = verbatim', () => {
  assert.equal(buildDataPath(null, 'v2', 'secret/foo'), 'secret/data/foo');
  assert.equal(buildDataPath(null, 'v2', 'foo'), 'foo/data');
  assert.equal(buildDataPath(null, 'v2', '/dev/config'), '/data/dev/config');
  assert.equal(toHttpPath(buildDataPath(null, 'v2', '/dev/config')), '/v1/data/dev/config');
  assert.equal(buildDataPath(null, 'v2', 'secret/test/data/x'), 'secret/test/data/x');
  assert.equal(buildDataPath(null, 'v2', 'secret/data'), 'secret/data/data');
  assert.equal(buildDataPath(null, 'v2', 'mydata/foo'), 'mydata/data/foo');
});

test('a.2-6 v1: store path prefixed unless already there, "data/" untouched, no path = verbatim', () => {
  assert.equal(buildDataPath('secret', 'v1', 'foo'), 'secret/foo');
  assert.equal(buildDataPath('secret', 'v1', 'secret/foo'), 'secret/foo');
  assert.equal(buildDataPath('secret', 'v1', 'data/foo'), 'secret/data/foo');
  assert.equal(buildDataPath(null, 'v1', 'anything/data/x'), 'anything/data/x');
});

test('a.2-7 path "" is not the same as an omitted path', () => {
  assert.equal(buildDataPath('', 'v2', 'foo'), '/data/foo');
  assert.equal(buildDataPath(null, 'v2', 'foo'), 'foo/data');
  assert.equal(buildDataPath('', 'v1', 'foo'), '/foo');
});

test('a.2-8 leading, trailing and double slashes are kept by ESO and cleaned by the Vault client', () => {
  assert.equal(buildDataPath('secret', 'v2', '/dev/config'), 'secret/data//dev/config');
  assert.equal(toHttpPath('secret/data//dev/config'), '/v1/secret/data/dev/config');
  assert.equal(buildDataPath('secret/', 'v2', 'foo'), 'secret//data/foo');
  assert.equal(toHttpPath('secret//data/foo'), '/v1/secret/data/foo');
  assert.equal(toHttpPath('secret/data/foo/'), '/v1/secret/data/foo');
  assert.equal(toHttpPath('secret/data/a/../b'), '/v1/secret/data/b');
});

test('a.2-9 the empty key reads "<mount>/data/", HTTP "/v1/<mount>/data"', () => {
  assert.equal(buildDataPath('secret', 'v2', ''), 'secret/data/');
  assert.equal(toHttpPath('secret/data/'), '/v1/secret/data');
});

test('a.3 metadata path does not strip the mount prefix', () => {
  assert.equal(buildMetadataPath('secret', 'v2', 'secret/foo'), 'secret/metadata/secret/foo');
  assert.equal(buildDataPath('secret', 'v2', 'secret/foo'), 'secret/data/foo');
});

test('a.3 no store path, v2: plain substring "data" test, first "/data/" replaced (maybe a no-op)', () => {
  assert.equal(buildMetadataPath(null, 'v2', 'secret/data/foo'), 'secret/metadata/foo');
  assert.equal(buildMetadataPath(null, 'v2', 'mydatabase/foo'), 'mydatabase/foo');
  assert.equal(buildMetadataPath(null, 'v2', 'a/data/b/data/c'), 'a/metadata/b/data/c');
  assert.throws(() => buildMetadataPath(null, 'v2', 'secret/foo'), new MetadataPathError('invalid-kv2-path', INVALID_KV2_PATH));
});

test('a.3 v1 without a store path panics in ESO (nil pointer)', () => {
  assert.throws(() => buildMetadataPath(null, 'v1', 'dev/'), (e: unknown) => e instanceof MetadataPathError && e.reason === 'nil-store-path-panic');
  assert.equal(buildMetadataPath('secret', 'v1', 'dev/'), 'secret/dev/');
});
