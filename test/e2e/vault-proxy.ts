// Lets ESO reach the examples' Vault names (https://vault.example.internal:8200) unchanged: ESO
// runs with HTTPS_PROXY pointing here; a CONNECT for a known name is answered by terminating TLS
// with a certificate for that name (signed by the run's CA, given to ESO as SSL_CERT_FILE) and
// forwarding the plain bytes to the loopback Vault server of the current example. A passthrough
// route instead pipes the raw bytes to a Vault server's own TLS listener, so ESO meets that
// server's certificate (the TLS scenario). Unknown names get 502, as an unreachable host would fail.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';
import { generate } from 'selfsigned';

export interface VaultProxy {
  url: string;
  caPem: string;
  /**
   * `host:port` → loopback port of the Vault server answering for it now; `passthrough`: the port
   * is a TLS listener and the proxy only relays bytes (no TLS of its own).
   */
  route(hostPort: string, targetPort: number | undefined, opts?: { passthrough?: boolean }): void;
  close(): Promise<void>;
}

async function certificateFor(names: string[]): Promise<{ ca: string; cert: string; key: string }> {
  const now = Date.now();
  const notBeforeDate = new Date(now - 60_000);
  const notAfterDate = new Date(now + 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'e2e-vault-ca' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate, notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: names[0] ?? 'vault' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate, notAfterDate, ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return { ca: `${ca.cert.trim()}\n`, cert: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`, key: leaf.private };
}

export async function startVaultProxy(hostNames: string[]): Promise<VaultProxy> {
  const tls = await certificateFor(hostNames);
  const secureContext = createSecureContext({ cert: tls.cert, key: tls.key });
  const routes = new Map<string, { port: number; passthrough: boolean }>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = routes.get(req.url ?? '');
    if (target === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) client.unshift(head);
    if (target.passthrough) {
      const raw = connect(target.port, '127.0.0.1');
      sockets.add(raw);
      raw.on('close', () => { sockets.delete(raw); client.destroy(); });
      raw.on('error', () => client.destroy());
      client.on('close', () => raw.destroy());
      client.pipe(raw);
      raw.pipe(client);
      return;
    }
    const secure = new TLSSocket(client, { isServer: true, secureContext });
    const upstream = connect(target.port, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => { sockets.delete(upstream); secure.destroy(); });
    upstream.on('error', () => secure.destroy());
    secure.on('error', () => upstream.destroy());
    secure.on('close', () => upstream.destroy());
    secure.pipe(upstream);
    upstream.pipe(secure);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    caPem: tls.ca,
    route(hostPort, targetPort, opts) {
      if (targetPort === undefined) routes.delete(hostPort);
      else routes.set(hostPort, { port: targetPort, passthrough: opts?.passthrough === true });
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
