import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propertyFindings } from '../../src/checks/rules/property.js';

test('found or unknown (value-dependent gjson): nothing', () => {
  const base = { field: 'f', property: 'p', secretPath: 's', keyPaths: ['a'], hints: [] };
  assert.deepEqual(propertyFindings({ ...base, resolution: { status: 'found', candidates: [] } }), []);
  assert.deepEqual(propertyFindings({ ...base, resolution: { status: 'unknown', candidates: [] } }), []);
});

test('not found: ESO\'s error text, did-you-mean and classic hints', () => {
  const f = propertyFindings({
    field: 'spec.data[0].remoteRef.property',
    property: 'data.pasword',
    secretPath: 'kv/dev/data/postgres',
    resolution: { status: 'not_found', candidates: ['password'] },
    keyPaths: ['password', 'username'],
    hints: ['Drop the "data." prefix.'],
  });
  assert.equal(f[0]?.code, 'PropertyNotFound');
  assert.match(f[0]?.message ?? '', /cannot find secret data for key: "data\.pasword"/);
  assert.equal(f[0]?.hint, 'Did you mean "password"? Drop the "data." prefix.');
});

test('no close candidate: the key names are listed', () => {
  const f = propertyFindings({ field: 'f', property: 'zzz', secretPath: 's', resolution: { status: 'not_found', candidates: [] }, keyPaths: ['a', 'b'], hints: [] });
  assert.match(f[0]?.hint ?? '', /keys are "a", "b"/);
});
