// The API double must behave like the API server where the product relies on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startKubeDouble, type KubeDouble } from '../support/kube-double.js';

async function call(double: KubeDouble, method: string, path: string, body?: unknown, contentType = 'application/json', token = double.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(path, double.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: double.caPem, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      // An ESO path the double does not serve answers plain text, as the real API server does.
      res.on('end', () => { const text = Buffer.concat(chunks).toString(); resolve({ status: res.statusCode ?? 0, body: (res.headers['content-type']?.startsWith('text/plain') ? { text } : JSON.parse(text || '{}')) as Record<string, unknown> }); });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

test('auth, create/409, update with stale resourceVersion/409, merge and json patch, discovery', async () => {
  const double = await startKubeDouble({ esoVersions: ['v1beta1'] });
  try {
    assert.equal((await call(double, 'GET', '/api/v1/namespaces', undefined, 'application/json', 'wrong')).status, 401);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'YQ==' } };
    const created = await call(double, 'POST', '/api/v1/namespaces/ns/secrets', secret);
    assert.equal(created.status, 201);
    assert.equal((await call(double, 'POST', '/api/v1/namespaces/ns/secrets', secret)).body.reason, 'AlreadyExists');
    const rv = (created.body.metadata as { resourceVersion: string }).resourceVersion;
    const updated = await call(double, 'PUT', '/api/v1/namespaces/ns/secrets/s', { ...secret, metadata: { name: 's', resourceVersion: rv }, data: { a: 'Yg==' } });
    assert.equal(updated.status, 200);
    const stale = await call(double, 'PUT', '/api/v1/namespaces/ns/secrets/s', { ...secret, metadata: { name: 's', resourceVersion: rv } });
    assert.deepEqual([stale.status, stale.body.reason], [409, 'Conflict']);

    double.apply({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'w' }, webhooks: [{ name: 'a', clientConfig: {} }] });
    const merged = await call(double, 'PATCH', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/w', { metadata: { labels: { x: 'y' } } }, 'application/merge-patch+json');
    assert.deepEqual((merged.body.metadata as { labels: unknown }).labels, { x: 'y' });
    const patched = await call(double, 'PATCH', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/w',
      [{ op: 'test', path: '/webhooks/0/name', value: 'a' }, { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'Q0E=' }], 'application/json-patch+json');
    assert.equal((patched.body.webhooks as { clientConfig: { caBundle: string } }[])[0]!.clientConfig.caBundle, 'Q0E=');
    const failedTest = await call(double, 'PATCH', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/w', [{ op: 'test', path: '/webhooks/0/name', value: 'b' }], 'application/json-patch+json');
    assert.equal(failedTest.status, 422);

    assert.equal((await call(double, 'GET', '/apis/external-secrets.io/v1')).status, 404);
    assert.equal((await call(double, 'GET', '/apis/external-secrets.io/v1beta1')).status, 200);
    const unserved = await call(double, 'GET', '/apis/external-secrets.io/v1/secretstores');
    assert.deepEqual([unserved.status, unserved.body], [404, { text: '404 page not found\n' }]);
    assert.ok(double.requests.some((r) => r.method === 'PATCH' && r.contentType === 'application/json-patch+json'));
  } finally {
    await double.close();
  }
});

test('TokenReview and SubjectAccessReview have the shapes and validation of authentication.k8s.io/v1 and authorization.k8s.io/v1', async () => {
  const double = await startKubeDouble({
    users: { 't-1': { username: 'alice', uid: 'u1', groups: ['devs'] } },
    nonResourceGrants: [{ group: 'devs', path: '/x', verb: 'get' }],
  });
  try {
    const TR = '/apis/authentication.k8s.io/v1/tokenreviews';
    const SAR = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
    const tr = (spec: unknown) => call(double, 'POST', TR, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec });
    const known = await tr({ token: 't-1' });
    assert.equal(known.status, 201);
    assert.deepEqual(known.body.status, { authenticated: true, user: { username: 'alice', uid: 'u1', groups: ['devs'] }, audiences: ['https://kubernetes.default.svc.cluster.local'] });
    const unknown = await tr({ token: 'nope' });
    assert.equal(unknown.status, 201, 'an unknown token is an answer, not an error');
    assert.equal((unknown.body.status as { authenticated?: boolean }).authenticated, undefined);
    const otherAudience = await tr({ token: 't-1', audiences: ['vault'] });
    assert.equal((otherAudience.body.status as { authenticated?: boolean }).authenticated, undefined, 'audiences must intersect');
    assert.equal((await tr({})).status, 400, 'the token is required');
    assert.equal((await call(double, 'POST', TR, { apiVersion: 'authorization.k8s.io/v1', kind: 'TokenReview', spec: { token: 't-1' } })).status, 400, 'wrong apiVersion');
    assert.equal((await call(double, 'GET', TR)).status, 405, 'create only');

    const sar = (spec: unknown) => call(double, 'POST', SAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
    const granted = await sar({ user: 'alice', groups: ['devs'], nonResourceAttributes: { path: '/x', verb: 'get' } });
    assert.equal(granted.status, 201);
    assert.equal((granted.body.status as { allowed: boolean }).allowed, true);
    assert.deepEqual((await sar({ user: 'alice', nonResourceAttributes: { path: '/x', verb: 'get' } })).body.status, { allowed: false }, 'the grant is to the group');
    assert.deepEqual((await sar({ user: 'alice', groups: ['devs'], nonResourceAttributes: { path: '/x', verb: 'delete' } })).body.status, { allowed: false });
    const noSubject = await sar({ nonResourceAttributes: { path: '/x', verb: 'get' } });
    assert.equal(noSubject.status, 422);
    assert.match(String(noSubject.body.message), /at least one of user or group must be specified/);
    const both = await sar({ user: 'alice', nonResourceAttributes: { path: '/x', verb: 'get' }, resourceAttributes: { verb: 'get', resource: 'pods' } });
    assert.equal(both.status, 422);
    assert.match(String(both.body.message), /exactly one of nonResourceAttributes or resourceAttributes/);
    assert.equal((await sar({ user: 'alice' })).status, 422, 'neither');
  } finally {
    await double.close();
  }
});
