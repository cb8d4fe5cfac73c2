// src/kube/token-review-access.ts against the Kubernetes double over HTTPS: the SubjectAccessReview
// it sends (user and groups of a ServiceAccount token, create tokenreviews at cluster scope), the
// answers kept for their TTL on an injected clock, failures never kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubeTokenReviewAccess, tokenReviewAccessReview } from '../../src/kube/token-review-access.js';
import { startKubeDouble } from '../support/kube-double.js';

const SAR = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const sa = { name: 'eso', namespace: 'apps' };

test('tokenReviewAccessReview: the review a ServiceAccount token would be authorised as', () => {
  assert.deepEqual(tokenReviewAccessReview(sa), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: 'system:serviceaccount:apps:eso',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:apps', 'system:authenticated'],
      resourceAttributes: { verb: 'create', group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews' },
    },
  });
});

test('createKubeTokenReviewAccess: denied, then allowed once bound and the kept answer expired; a failure is asked again', async () => {
  const kube = await startKubeDouble();
  let now = 1_000_000;
  const access = createKubeTokenReviewAccess(kube.kubeConfig, { ttlMs: 30_000, now: () => now });
  const deadline = () => Date.now() + 5_000;
  const asked = () => kube.requests.filter((q) => q.method === 'POST' && q.path === SAR).length;
  try {
    const [a, b] = await Promise.all([access.canCreateTokenReviews(sa, deadline()), access.canCreateTokenReviews(sa, deadline())]);
    assert.deepEqual([a, b], [{ status: 'denied' }, { status: 'denied' }]);
    assert.equal(asked(), 1, 'concurrent questions share one review');
    kube.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'apps-eso-tokenreview-binding' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'eso', namespace: 'apps' }],
    });
    now += 29_000;
    assert.deepEqual(await access.canCreateTokenReviews(sa, deadline()), { status: 'denied' }, 'kept within the TTL');
    now += 2_000;
    assert.deepEqual(await access.canCreateTokenReviews(sa, deadline()), { status: 'allowed' });
    assert.equal(asked(), 2);
    // Another ServiceAccount is not bound; an API failure is reported, not kept.
    const other = { name: 'other', namespace: 'apps' };
    kube.failNext('POST', SAR, 503, 1);
    const failed = await access.canCreateTokenReviews(other, deadline());
    assert.equal(failed.status, 'unavailable');
    assert.match(failed.status === 'unavailable' ? failed.detail : '', /HTTP 503/);
    assert.deepEqual(await access.canCreateTokenReviews(other, deadline()), { status: 'denied' });
    kube.failNext('POST', SAR, 403, 1);
    now += 60_000;
    assert.deepEqual(await access.canCreateTokenReviews(other, deadline()), { status: 'unavailable', detail: 'the webhook may not create subjectaccessreviews.authorization.k8s.io (RBAC)' });
  } finally {
    await kube.close();
  }
});
