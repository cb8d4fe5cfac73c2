import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { httpsRequest } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import { BODY_LIMIT_BYTES } from '../../src/server/request-errors.js';
import { startTestServers, type TestServers } from './harness.js';

let servers: TestServers;
before(async () => {
  servers = await startTestServers();
});
after(async () => {
  await servers.close();
});

function reviewWith(mutate: (r: Record<string, unknown> & { request: Record<string, unknown> }) => void): Record<string, unknown> {
  const review = admissionReview(externalSecret(), { uid: 'u-1' }) as Record<string, unknown> & { request: Record<string, unknown> };
  mutate(review);
  return review;
}

const cases: { name: string; body: unknown; headers?: Record<string, string>; message: RegExp }[] = [
  { name: 'not JSON', body: '{"apiVersion": "admission.k8s.io/v1",', headers: { 'content-type': 'application/json' }, message: /^request body is not valid JSON/ },
  { name: 'empty body', body: '', headers: { 'content-type': 'application/json' }, message: /^request body is empty/ },
  { name: 'JSON null', body: 'null', headers: { 'content-type': 'application/json' }, message: /^request body must be a JSON object holding an AdmissionReview \(got null\)$/ },
  { name: 'a JSON array', body: [1, 2], message: /^request body must be a JSON object holding an AdmissionReview \(got an array\)$/ },
  {
    name: 'wrong apiVersion',
    body: reviewWith((r) => {
      r.apiVersion = 'admission.k8s.io/v1beta1';
    }),
    message: /^invalid AdmissionReview: apiVersion must be "admission\.k8s\.io\/v1" \(got "admission\.k8s\.io\/v1beta1"\)$/,
  },
  {
    name: 'wrong kind',
    body: reviewWith((r) => {
      r.kind = 'ConversionReview';
    }),
    message: /^invalid AdmissionReview: kind must be "AdmissionReview" \(got "ConversionReview"\)$/,
  },
  {
    name: 'missing request.uid',
    body: reviewWith((r) => {
      delete r.request.uid;
    }),
    message: /^invalid AdmissionReview: request\.uid is missing$/,
  },
  {
    name: 'missing request',
    body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
    message: /^invalid AdmissionReview: request is missing$/,
  },
  {
    name: 'unknown operation',
    body: reviewWith((r) => {
      r.request.operation = 'PATCH';
    }),
    message: /^invalid AdmissionReview: request\.operation must be one of CREATE, UPDATE, DELETE, CONNECT \(got "PATCH"\)$/,
  },
  {
    name: 'wrong content type',
    body: JSON.stringify(admissionReview(externalSecret())),
    headers: { 'content-type': 'text/plain' },
    message: /^content type must be application\/json \(got "text\/plain"\)$/,
  },
  {
    name: 'YAML content type',
    body: 'apiVersion: admission.k8s.io/v1',
    headers: { 'content-type': 'application/yaml' },
    message: /^content type must be application\/json \(got "application\/yaml"\)$/,
  },
];

for (const c of cases) {
  test(`${c.name} → 400 with a one-line JSON error naming the problem`, async () => {
    const res = await httpsRequest<{ error: string }>({
      port: servers.webhookPort,
      path: '/validate',
      method: 'POST',
      body: c.body,
      headers: c.headers,
      ca: servers.ca,
    });
    assert.equal(res.status, 400, res.text);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.ok(!res.text.includes('\n'), 'one line');
    assert.deepEqual(Object.keys(res.body), ['error']);
    assert.match(res.body.error, c.message);
  });
}

test('a request without a body → 400', async () => {
  const res = await httpsRequest<{ error: string }>({ port: servers.webhookPort, path: '/mutate', method: 'POST', ca: servers.ca });
  assert.equal(res.status, 400);
  assert.match(res.body.error, /^request body is empty/);
});

test('an unknown path or method → 404 naming the routes, as JSON', async () => {
  const res = await httpsRequest<{ error: string }>({ port: servers.webhookPort, path: '/validate', method: 'GET', ca: servers.ca });
  assert.equal(res.status, 404);
  assert.equal(res.body.error, 'no route GET /validate; the webhook serves POST /validate, POST /mutate and GET /report');
});

test('a Content-Length over 3 MiB is refused from the headers alone, without reading the body', async () => {
  // Announce 10 MiB but send only 1 KiB: the answer must come anyway, and the connection is closed.
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: servers.webhookPort, ca: servers.ca, servername: 'localhost' }, () => {
      socket.write(
        'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${10 * 1024 * 1024}\r\n\r\n` +
          '{'.padEnd(1024, ' '),
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no answer within 5 s; got so far: ${text}`)), 5000).unref();
  });
  const [head, body] = answer.split('\r\n\r\n');
  assert.match(head ?? '', /^HTTP\/1\.1 413 /);
  assert.match(head ?? '', /connection: close/i);
  assert.deepEqual(JSON.parse(body ?? ''), { error: `request body of ${10 * 1024 * 1024} bytes exceeds the limit of ${BODY_LIMIT_BYTES} bytes` });
});

test('a chunked body growing past 3 MiB is refused with 413', async () => {
  const big = Buffer.alloc(BODY_LIMIT_BYTES + 1024, 0x20);
  const res = await httpsRequest<{ error: string }>({
    port: servers.webhookPort,
    path: '/validate',
    method: 'POST',
    body: big,
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    ca: servers.ca,
  }).catch((err: Error) => ({ status: -1, body: { error: err.message }, text: '' }));
  // The server may close the connection while the client is still sending; either way it refused.
  if (res.status !== -1) {
    assert.equal(res.status, 413);
    assert.match(res.body.error, /exceeds the limit of 3145728 bytes/);
  } else {
    assert.match(res.body.error, /EPIPE|ECONNRESET|socket hang up/);
  }
});

test('the server keeps serving after malformed requests', async () => {
  const res = await httpsRequest<{ response: { uid: string; allowed: boolean } }>({
    port: servers.webhookPort,
    path: '/validate',
    method: 'POST',
    body: admissionReview(externalSecret(), { uid: 'after' }),
    ca: servers.ca,
  });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.response, { uid: 'after', allowed: true });
});
