// caProvider reads: a name the API server could not hold never becomes a request (a `..` name would
// be normalised into another URL: GET .../namespaces/<ns> instead of a ConfigMap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeCaSources } from '../../src/kube/ca-source.js';

test('caProvider names that are not Kubernetes object names make no request; a valid one is asked for', async () => {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(req.url ?? '');
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const sources = createKubeCaSources(kc, { configMaps: true, secrets: true });
    const deadline = Date.now() + 5_000;
    for (const [namespace, name] of [['team-a', '..'], ['team-a', '../../secrets/x'], ['..', 'ca'], ['team-a', 'ca?x=1'], ['Team-A', 'ca'], ['team-a', 'a..b']]) {
      const answer = await sources.read('ConfigMap', namespace!, name!, 'ca.crt', deadline);
      assert.equal(answer.status, 'not_verifiable', `${namespace}/${name}`);
    }
    assert.deepEqual(seen, []);
    const found = await sources.read('ConfigMap', 'team-a', 'vault-ca.v1', 'ca.crt', deadline);
    assert.equal(found.status, 'not_found');
    assert.deepEqual(seen, ['/api/v1/namespaces/team-a/configmaps/vault-ca.v1']);
  } finally {
    server.close();
  }
});
