import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { postAdmission, httpsRequest } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';
import { fileTlsSource, TlsLoadError } from '../../src/server/tls/file-source.js';
import { selfSignedTlsSource } from '../../src/server/tls/self-signed.js';
import { startTestServers } from './harness.js';
import { replaceFile, servingPair, testCa, type KeyPair } from '../support/test-certificates.js';

let ca: KeyPair;
let dir: string;

before(async () => {
  ca = await testCa();
  dir = mkdtempSync(join(tmpdir(), 'eso-guard-tls-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function fingerprintOfNewConnection(port: number): Promise<string> {
  const res = await httpsRequest({ port, path: '/validate', method: 'POST', body: admissionReview(externalSecret()), ca: ca.cert });
  assert.equal(res.status, 200);
  return res.peerCertificate?.fingerprint256 ?? '';
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** Sends one keep-alive HTTP request on an open TLS socket and resolves with the raw answer. */
function requestOn(socket: TLSSocket, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('utf8');
      const headerEnd = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (headerEnd >= 0 && length && text.length >= headerEnd + 4 + Number(length)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(
      `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

test('certificate file rotation reaches new connections; open connections keep working; a mismatched pair is ignored', async () => {
  const first = await servingPair(ca, 'first');
  const second = await servingPair(ca, 'second');
  const third = await servingPair(ca, 'third');
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);

  const servers = await startTestServers({
    tls: (logger) => fileTlsSource(certFile, keyFile, undefined, { logger, pollIntervalMs: 300, debounceMs: 50 }),
  });
  try {
    const firstFingerprint = new X509Certificate(first.cert).fingerprint256;
    const secondFingerprint = new X509Certificate(second.cert).fingerprint256;
    assert.equal(await fingerprintOfNewConnection(servers.webhookPort), firstFingerprint);

    const open = connect({ host: '127.0.0.1', port: servers.webhookPort, ca: ca.cert, servername: 'localhost' });
    await new Promise((resolve) => open.once('secureConnect', resolve));
    const body = JSON.stringify(admissionReview(externalSecret(), { uid: 'kept' }));
    assert.match(await requestOn(open, body), /"uid":"kept"/);

    replaceFile(keyFile, second.key);
    replaceFile(certFile, second.cert);
    await waitFor('the new certificate on a new connection', async () => (await fingerprintOfNewConnection(servers.webhookPort)) === secondFingerprint);

    assert.equal(open.getPeerCertificate().fingerprint256, firstFingerprint);
    assert.match(await requestOn(open, body), /^HTTP\/1\.1 200 [\s\S]*"uid":"kept"/, 'the connection opened before the rotation still works');
    open.destroy();

    // A certificate whose key is not in the key file: keep serving the previous certificate.
    replaceFile(certFile, third.cert);
    await waitFor('the rejection to be logged', () => servers.logs.some((l) => l.msg === 'new TLS files are unusable; keeping the previous certificate'));
    const rejection = servers.logs.find((l) => l.msg === 'new TLS files are unusable; keeping the previous certificate');
    assert.match(String(rejection?.reason), /does not belong to the certificate/);
    assert.equal(await fingerprintOfNewConnection(servers.webhookPort), secondFingerprint);
  } finally {
    await servers.close();
  }
});

test('fileTlsSource refuses to start with a key that does not match the certificate', async () => {
  const a = await servingPair(ca, 'a');
  const b = await servingPair(ca, 'b');
  writeFileSync(join(dir, 'bad.crt'), a.cert);
  writeFileSync(join(dir, 'bad.key'), b.key);
  assert.throws(() => fileTlsSource(join(dir, 'bad.crt'), join(dir, 'bad.key')), (err: Error) => {
    assert.ok(err instanceof TlsLoadError);
    assert.match(err.message, /the private key in .*bad\.key does not belong to the certificate in .*bad\.crt/);
    return true;
  });
  assert.throws(() => fileTlsSource(join(dir, 'missing.crt'), join(dir, 'bad.key')), /cannot load the TLS certificate: .*ENOENT/);
});

test('TLS 1.1 is refused; TLS 1.2 and 1.3 are accepted', async () => {
  const servers = await startTestServers();
  try {
    const err = await new Promise<Error | undefined>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: servers.webhookPort,
        ca: servers.ca,
        servername: 'localhost',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        // Let the client offer TLS 1.1 at all (OpenSSL 3 refuses it at its default security level).
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    assert.ok(err, 'a TLS 1.1 handshake must fail');
    // The alert comes from the server: this client can speak TLS 1.1 to a server that allows it.
    assert.match(err.message, /alert protocol version/i);

    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      const res = await httpsRequest({
        port: servers.webhookPort,
        path: '/validate',
        method: 'POST',
        body: admissionReview(externalSecret()),
        ca: servers.ca,
        minVersion: version,
        maxVersion: version,
      });
      assert.equal(res.status, 200, version);
    }
  } finally {
    await servers.close();
  }
});

test('the self-signed source names the Service in every form the API server may use, and keeps its CA', async () => {
  const source = await selfSignedTlsSource({ serviceName: 'guard', namespace: 'sec', extraDnsNames: ['guard.example.com'] });
  const { cert, ca: caPem, key } = source.current();
  assert.ok(caPem);
  const x509 = new X509Certificate(cert);
  const sans = x509.subjectAltName ?? '';
  for (const name of ['guard', 'guard.sec', 'guard.sec.svc', 'guard.sec.svc.cluster.local', 'guard.example.com', 'localhost']) {
    assert.ok(sans.split(', ').includes(`DNS:${name}`), `${name} in ${sans}`);
  }
  assert.match(sans, /IP Address:127\.0\.0\.1/);
  assert.ok(x509.verify(new X509Certificate(caPem).publicKey), 'signed by the CA it exposes');
  assert.equal(new X509Certificate(caPem).ca, true);
  assert.notEqual(key, '');

  // And a client trusting only that CA can call the webhook by the Service's DNS name.
  const servers = await startTestServers({ tls: source });
  try {
    const res = await httpsRequest({
      port: servers.webhookPort,
      path: '/validate',
      method: 'POST',
      body: admissionReview(externalSecret(), { uid: 'svc' }),
      ca: caPem,
      servername: 'guard.sec.svc',
    });
    assert.equal(res.status, 200);
    const review = await postAdmission(servers.webhookPort, '/validate', admissionReview(externalSecret(), { uid: 'local' }), caPem);
    assert.equal(review.body.response.uid, 'local');
  } finally {
    await servers.close();
  }
});
