// Every ESO vector from test/fixtures/reference/eso, loaded at run time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../support/paths.js';
import {
  extractKeysOnShape, buildDataPath, buildMetadataPath, INVALID_KV2_PATH, MetadataPathError, resolveExtractOnShape, resolvePropertyOnShape, toHttpPath, toValueShape,
} from '../../src/eso/index.js';

interface PathVector {
  storePath: string | null;
  version: 'v1' | 'v2';
  key: string;
  expectedApiPath?: string;
  httpPath?: string;
  expected?: { error?: string; panic?: string };
  source: string;
}

function load<T>(name: string): T[] {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, 'eso', name), 'utf8')) as T[];
}

const buildVectors = load<PathVector>('buildpath-vectors.json');
const metadataVectors = load<PathVector>('metadata-path-vectors.json');

test('buildpath-vectors.json: every vector has a logical and an HTTP path', () => {
  assert.ok(buildVectors.length >= 30);
  for (const v of buildVectors) {
    const label = `${JSON.stringify(v.storePath)} ${v.version} ${JSON.stringify(v.key)} (${v.source})`;
    const logical = buildDataPath(v.storePath, v.version, v.key);
    assert.equal(logical, v.expectedApiPath, label);
    assert.equal(toHttpPath(logical), v.httpPath, label);
  }
});

test('metadata-path-vectors.json: paths, the kv v2 error and the v1 nil-path panic', () => {
  assert.ok(metadataVectors.length >= 15);
  for (const v of metadataVectors) {
    const label = `${JSON.stringify(v.storePath)} ${v.version} ${JSON.stringify(v.key)} (${v.source})`;
    if (v.expected?.error !== undefined) {
      assert.throws(() => buildMetadataPath(v.storePath, v.version, v.key), (e: unknown) => e instanceof MetadataPathError && e.message === v.expected?.error, label);
      assert.equal(v.expected.error, INVALID_KV2_PATH);
    } else if (v.expected?.panic !== undefined) {
      assert.throws(() => buildMetadataPath(v.storePath, v.version, v.key), (e: unknown) => e instanceof MetadataPathError && e.reason === 'nil-store-path-panic', label);
    } else {
      const logical = buildMetadataPath(v.storePath, v.version, v.key);
      assert.equal(logical, v.expectedApiPath, label);
      assert.equal(toHttpPath(logical), v.httpPath, label);
    }
  }
});

interface PropertyVector {
  secretData: unknown;
  property: string;
  expected: unknown;
  storeVersion?: string;
  source: string;
  stage?: string;
}

function isError(expected: unknown): expected is { error: string } {
  return typeof expected === 'object' && expected !== null && !Array.isArray(expected) && 'error' in expected;
}

test('property-vectors.json: found exactly when ESO returns a value', () => {
  const vectors = load<PropertyVector>('property-vectors.json');
  assert.ok(vectors.length >= 30);
  for (const v of vectors) {
    // secretData is what ESO resolves the property on (v2 already unwrapped, v1 the whole response).
    const r = resolvePropertyOnShape(toValueShape(v.secretData), v.property);
    const label = `${JSON.stringify(v.property)} on ${JSON.stringify(v.secretData)} (${v.source})`;
    assert.notEqual(r.status, 'unknown', label);
    assert.equal(r.status === 'found', !isError(v.expected), label);
    // Only key paths, never values.
    for (const c of r.candidates) assert.equal(typeof c, 'string');
  }
});

test('extract-vectors.json (provider stage): found / not found / not an object', () => {
  const vectors = load<PropertyVector>('extract-vectors.json').filter((v) => v.stage?.startsWith('provider'));
  assert.ok(vectors.length >= 10);
  for (const v of vectors) {
    const r = resolveExtractOnShape(toValueShape(v.secretData), v.property);
    const label = `${JSON.stringify(v.property)} on ${JSON.stringify(v.secretData)} (${v.source})`;
    if (!isError(v.expected)) {
      // A string holding JSON text works in ESO; the shape cannot tell, so 'unknown' (never a denial).
      assert.equal(r.status, v.property !== '' && typeof (v.secretData as Record<string, unknown>)[v.property] === 'string' ? 'unknown' : 'ok', label);
    } else if (v.expected.error.startsWith('cannot find secret data')) {
      assert.equal(r.status, 'not_found', label);
    } else if (v.expected.error.startsWith('json: cannot unmarshal')) {
      assert.equal(r.status, 'not_object', label);
      assert.equal(r.error, v.expected.error, label);
    } else {
      // A string value that is not JSON: only the value could tell, so the shape says unknown.
      assert.equal(r.status, 'unknown', label);
    }
  }
});

interface ControllerVector extends PropertyVector {
  conversionStrategy?: string;
  rewrite?: unknown[];
  decodingStrategy?: string;
}

test('extract-vectors.json (controller stage): key conversion and validation from key names', () => {
  const vectors = load<ControllerVector>('extract-vectors.json').filter((v) => v.stage?.startsWith('controller') && v.decodingStrategy === undefined);
  assert.ok(vectors.length >= 4);
  for (const v of vectors) {
    // The vectors name the strategy in prose ("Default (or omitted)", "omitted"); both mean "".
    const strategy = v.conversionStrategy === 'Unicode' ? 'Unicode' : undefined;
    const hasRewrite = (v.rewrite?.length ?? 0) > 0;
    const label = `${JSON.stringify(v.secretData)} ${v.conversionStrategy ?? ''} (${v.source})`;
    if (hasRewrite) {
      // Any rewrite disables conversion; rewrites themselves are not evaluated (Go regexp/template semantics).
      assert.equal(extractKeysOnShape(toValueShape(v.secretData), v.property, strategy, true).status, 'unknown', label);
      continue;
    }
    const r = extractKeysOnShape(toValueShape(v.secretData), v.property, strategy, false);
    if (isError(v.expected)) {
      assert.equal(r.status, 'error', label);
      assert.equal(r.status === 'error' ? r.message : '', v.expected.error, label);
    } else {
      const expectedKeys = Object.keys((v.expected as { map: Record<string, string> }).map).sort();
      assert.deepEqual(r.status === 'ok' ? r.keys : r, expectedKeys, label);
    }
  }
});
