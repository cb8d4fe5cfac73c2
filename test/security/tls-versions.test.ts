// TLS versions the webhook speaks. TLS 1.1 refusal and 1.2/1.3 acceptance are proven in
// test/server/tls.test.ts; this adds TLS 1.0, with a client that offers it for real (OpenSSL 3's
// default security level would refuse TLS 1.0 on the client side, proving nothing about the server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { startTestServers } from '../server/harness.js';
import { httpsRequest } from '../support/https-client.js';
import { admissionReview, externalSecret } from '../support/admission-fixtures.js';

function handshake(port: number, ca: string, minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2', maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2'): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', resolve);
  });
}

test('TLS 1.0 is refused by the server; the same client setup reaches TLS 1.2', async () => {
  const servers = await startTestServers();
  try {
    const err = await handshake(servers.webhookPort, servers.ca, 'TLSv1', 'TLSv1');
    assert.ok(err, 'a TLS 1.0 handshake must fail');
    // A protocol_version alert is what the server sends when it will not speak the offered version.
    assert.match(err.message, /alert protocol version/i);
    assert.equal(await handshake(servers.webhookPort, servers.ca, 'TLSv1', 'TLSv1.2'), undefined, 'the client is otherwise able to connect');
    const res = await httpsRequest({ port: servers.webhookPort, path: '/validate', method: 'POST', body: admissionReview(externalSecret()), ca: servers.ca, maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' });
    assert.equal(res.status, 200);
  } finally {
    await servers.close();
  }
});

/** A TLS 1.2-only client offering exactly `ciphers`; resolves with the negotiated suite or the error. */
function handshake12(port: number, ca: string, ciphers: string): Promise<{ cipher?: string; error?: Error }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${ciphers}@SECLEVEL=0` });
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher().name;
      socket.destroy();
      resolve({ cipher });
    });
    socket.once('error', (error) => resolve({ error }));
  });
}

test('TLS 1.2 offers only ECDHE with AEAD: a CBC/SHA-1 suite is refused, ECDHE-GCM is accepted; TLS 1.3 is preferred', async () => {
  const servers = await startTestServers();
  try {
    const cbc = await handshake12(servers.webhookPort, servers.ca, 'ECDHE-ECDSA-AES128-SHA');
    assert.ok(cbc.error, `a CBC-SHA1 suite must be refused, got ${cbc.cipher}`);
    assert.match(cbc.error.message, /handshake failure|no shared cipher/i);
    const cbc256 = await handshake12(servers.webhookPort, servers.ca, 'ECDHE-ECDSA-AES256-SHA384');
    assert.ok(cbc256.error, 'a CBC suite with SHA-384 is refused as well');
    const gcm = await handshake12(servers.webhookPort, servers.ca, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    assert.equal(gcm.error, undefined);
    assert.equal(gcm.cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
    // A client that speaks both gets TLS 1.3.
    const version = await new Promise<string | null>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: servers.webhookPort, ca: servers.ca, servername: 'localhost' });
      socket.once('secureConnect', () => {
        resolve(socket.getProtocol());
        socket.destroy();
      });
      socket.once('error', reject);
    });
    assert.equal(version, 'TLSv1.3');
  } finally {
    await servers.close();
  }
});
