// gjson subset on shapes, key paths and "did you mean" candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listKeyPaths, parseGjsonPath, rankCandidates, resolveExtractOnShape, resolvePropertyOnShape, toValueShape } from '../../src/eso/index.js';

const shape = toValueShape({
  username: 'u',
  'tls.crt': 'c',
  certs: { 'tls.crt': 'c', 'ca*': 'x' },
  users: [{ name: 'a' }, { name: 'b', role: 'r' }],
  hosts: ['h1', 'h2'],
  n: null,
});

function status(property: string): string {
  return resolvePropertyOnShape(shape, property).status;
}

test('exact top-level key wins over gjson (a dotted key)', () => {
  assert.equal(status('tls.crt'), 'found');
  assert.equal(status('username'), 'found');
  assert.equal(status(''), 'found');
});

test('dots separate, backslash escapes a dot', () => {
  assert.equal(status('certs.tls\\.crt'), 'found');
  assert.equal(status('certs.tls.crt'), 'not_found');
  assert.equal(status('username.x'), 'not_found');
});

test('wildcards in keys', () => {
  assert.equal(status('user*'), 'found');
  assert.equal(status('certs.tls?crt'), 'found');
  assert.equal(status('certs.zz*'), 'not_found');
  assert.equal(status('us?rs.0.name'), 'found');
});

test('array index, # length and #.field mapping', () => {
  assert.equal(status('hosts.1'), 'found');
  assert.equal(status('hosts.2'), 'not_found');
  assert.equal(status('hosts.#'), 'found');
  assert.equal(status('users.#.name'), 'found');
  assert.equal(status('users.#.missing'), 'found'); // gjson returns [] which exists
  assert.equal(status('users.1.role'), 'found');
  assert.equal(status('users.0.role'), 'not_found');
  assert.equal(status('hosts.x'), 'not_found');
});

test('null values exist (empty value, no error)', () => {
  assert.equal(status('n'), 'found');
});

test('value-dependent gjson features are unknown, never not_found', () => {
  for (const p of ['users.#(name=="a").role', '@reverse', 'users|0', '!true', '[username,x]', '{a:username}', '..0', 'users.#[name=="a"]']) {
    assert.equal(status(p), 'unknown', p);
  }
  assert.equal(parseGjsonPath('a\\|b').ok, true);
});

test('a null shape (no secret) finds nothing', () => {
  assert.equal(resolvePropertyOnShape(toValueShape(null), '').status, 'not_found');
});

test('listKeyPaths: top-level as written, nested names escaped, arrays indexed', () => {
  const paths = listKeyPaths(shape);
  assert.ok(paths.includes('tls.crt'));
  assert.ok(paths.includes('certs.tls\\.crt'));
  assert.ok(paths.includes('certs.ca\\*'));
  assert.ok(paths.includes('users.1.role'));
  assert.ok(paths.includes('hosts.0'));
  for (const p of paths) assert.notEqual(resolvePropertyOnShape(shape, p).status, 'not_found', p);
});

test('candidates: data. prefix first, then case, then edit distance; at most 5', () => {
  assert.deepEqual(resolvePropertyOnShape(shape, 'data.username').candidates[0], 'username');
  assert.deepEqual(resolvePropertyOnShape(shape, 'Username').candidates[0], 'username');
  assert.deepEqual(resolvePropertyOnShape(shape, 'usernme').candidates[0], 'username');
  assert.deepEqual(resolvePropertyOnShape(shape, 'certs.tls.crt').candidates[0], 'certs.tls\\.crt');
  assert.deepEqual(resolvePropertyOnShape(shape, 'zzzzzzzzzzzz').candidates, []);
  assert.ok(rankCandidates('a', ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']).length <= 5);
});

test('extract: the property must resolve to an object', () => {
  assert.equal(resolveExtractOnShape(shape, 'certs').status, 'ok');
  assert.equal(resolveExtractOnShape(shape, 'hosts').error, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assert.equal(resolveExtractOnShape(shape, 'hosts.#').status, 'not_object');
  assert.equal(resolveExtractOnShape(shape, 'username').status, 'unknown');
  assert.equal(resolveExtractOnShape(shape, 'n').error, 'unexpected end of JSON input');
  assert.equal(resolveExtractOnShape(shape, 'nope').status, 'not_found');
});

test('gjson corner cases follow gjson v1.18 parsing', () => {
  assert.equal(status('users.[0,1]'), 'unknown'); // multipath after a dot
  assert.equal(status('certs.c\\*'), 'not_found'); // escaped star without wildcard = literal key "c*"
  assert.equal(status('certs.ca\\*'), 'found');
  assert.equal(status('certs.c*\\?'), 'unknown'); // gjson would treat the escaped ? as a wildcard
  assert.equal(status('hosts.\\#'), 'unknown');
  assert.equal(status('hosts.1#'), 'not_found');
  assert.equal(status('certs.'), 'not_found'); // trailing dot = key ""
});

test('dataFrom key conversion: Default/omitted, Unicode, unknown strategy, empty and long keys', async () => {
  const { convertAndValidateKeys, convertKey } = await import('../../src/eso/index.js');
  assert.equal(convertKey(undefined, 'a b/ü'), 'a_b_ü');
  assert.equal(convertKey('Unicode', 'a b'), 'a_U0020_b');
  assert.equal(convertKey('Other', 'a b'), 'a b');
  assert.deepEqual(convertAndValidateKeys(['', 'ok'], undefined, false), { status: 'ok', keys: ['ok'] });
  const long = convertAndValidateKeys(['k'.repeat(254)], undefined, false);
  assert.equal(long.status, 'error');
  assert.match(long.status === 'error' ? long.message : '', /key has length 254 but max is 253/);
  const other = convertAndValidateKeys(['a b'], 'Other', false);
  assert.match(other.status === 'error' ? other.message : '', /key has invalid character  , only alphanumeric/);
});
