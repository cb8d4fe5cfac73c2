// The ACL benchmark stays runnable for the main bench (small iteration count here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAclBench } from '../../bench/acl-eval.js';

test('runAclBench returns a finite ns per evaluation', () => {
  const r = runAclBench({ iterations: 2000 });
  assert.ok(Number.isFinite(r.nsPerEval) && r.nsPerEval > 0, `nsPerEval ${r.nsPerEval}`);
  assert.equal(r.evaluations, 2000);
});
