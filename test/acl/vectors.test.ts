// Every vector of acl-vectors.json and acl-parameter-vectors.json, each its own subtest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical, loadVectors, runVector, type AclVector } from './vector-support.js';

function expectMatches(v: AclVector): void {
  const got = runVector(v);
  for (const [key, want] of Object.entries(v.expected)) {
    assert.deepEqual(canonical(got[key]), canonical(want), `${v.id}: ${key}`);
  }
}

test('acl-vectors.json', async (t) => {
  const vectors = loadVectors<AclVector>('acl-vectors.json');
  assert.ok(vectors.length >= 100, 'the vector file holds the ACL cases');
  for (const v of vectors) await t.test(v.id, () => expectMatches(v));
});

// All parameter and wrapping-TTL vectors are implemented (parameters, required_parameters,
// min/max_wrapping_ttl, list and comma-string matching); none is skipped.
test('acl-parameter-vectors.json', async (t) => {
  const vectors = loadVectors<AclVector>('acl-parameter-vectors.json');
  assert.ok(vectors.length > 0);
  for (const v of vectors) await t.test(v.id, () => expectMatches(v));
});
