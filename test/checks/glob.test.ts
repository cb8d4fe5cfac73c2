import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goGlobMatch, listContainsGlob, vaultEdgeGlobMatch } from '../../src/checks/glob.js';

test('kubernetes auth globs: only leading/trailing * are special, short patterns compare exactly', () => {
  assert.equal(vaultEdgeGlobMatch('team-*', 'team-a'), true);
  assert.equal(vaultEdgeGlobMatch('*-prod', 'payments-prod'), true);
  assert.equal(vaultEdgeGlobMatch('*pay*', 'x-payments-y'), true);
  assert.equal(vaultEdgeGlobMatch('te*am', 'team'), false); // a middle * is literal
  assert.equal(vaultEdgeGlobMatch('te*am', 'te*am'), true);
  assert.equal(vaultEdgeGlobMatch('*', 'anything'), false); // shorter than 2: exact
  assert.equal(vaultEdgeGlobMatch('*', '*'), true);
  assert.equal(listContainsGlob(['a', 'b-*'], 'b-c'), true);
  assert.equal(listContainsGlob(['a', 'b-*'], 'c'), false);
});

test('jwt bound_claims glob (go-glob): * anywhere, any number of times, across slashes', () => {
  assert.equal(goGlobMatch('*', ''), true);
  assert.equal(goGlobMatch('', ''), true);
  assert.equal(goGlobMatch('', 'a'), false);
  assert.equal(goGlobMatch('system:serviceaccount:*:eso', 'system:serviceaccount:team-a:eso'), true);
  assert.equal(goGlobMatch('system:serviceaccount:*:eso', 'system:serviceaccount:team-a:other'), false);
  assert.equal(goGlobMatch('a*b*c', 'a/x/b/y/c'), true);
  assert.equal(goGlobMatch('a*b*c', 'xa/b/c'), false);
  assert.equal(goGlobMatch('*team', 'my-team'), true);
  assert.equal(goGlobMatch('team', 'team'), true);
});
