// Issue 15: the creationPolicy/deletionPolicy combinations ESO's admission webhook refuses
// (apis/externalsecrets/v1/externalsecret_validator.go validatePolicies), with ESO's words, through
// /validate and check; the combinations it accepts stay allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

const data = [{ secretKey: 'p', remoteRef: { key: 'app/db', property: 'password' } }];
const es = (name: string, creationPolicy: string, deletionPolicy: string) =>
  externalSecret(name, { data, target: { name, creationPolicy, deletionPolicy } });

test('deletionPolicy Delete without ownership, and Merge with None, are refused with ESO webhook words', async () => {
  const store = clusterStore('vault');
  const refused = [es('delete-merge', 'Merge', 'Delete'), es('delete-none', 'None', 'Delete'), es('delete-create-or-merge', 'CreateOrMerge', 'Delete'), es('merge-none', 'None', 'Merge')];
  const accepted = [es('delete-owner', 'Owner', 'Delete'), es('delete-orphan', 'Orphan', 'Delete'), es('merge-merge', 'Merge', 'Merge'), es('retain-none', 'None', 'Retain'), es('merge-create-or-merge', 'CreateOrMerge', 'Merge')];
  const s = await scenario([store, ...refused, ...accepted], baseState());
  try {
    for (const o of refused.slice(0, 3)) {
      const v = await s.validate(o);
      assert.equal(v.allowed, false, JSON.stringify(o));
      assert.match(v.message, /\[MalformedReference\] spec\.target\.deletionPolicy: deletionPolicy=Delete must not be used when the controller doesn't own the secret\. Please set creationPolicy=Owner/);
    }
    const m = await s.validate(refused[3]!);
    assert.equal(m.allowed, false);
    assert.match(m.message, /deletionPolicy=Merge must not be used with creationPolicy=None\. There is no Secret to merge with/);
    for (const o of accepted) {
      const v = await s.validate(o);
      assert.equal(v.allowed, true, `${JSON.stringify(o)}: ${v.message}`);
    }
    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    for (const o of refused) assert.deepEqual(errorsOf(run.report, (o['metadata'] as { name: string }).name), ['MalformedReference spec.target.deletionPolicy']);
    for (const o of accepted) assert.deepEqual(errorsOf(run.report, (o['metadata'] as { name: string }).name), []);
  } finally {
    await s.close();
  }
});
