// etcd + kube-apiserver on 127.0.0.1, configured as controller-runtime's envtest does: its own
// serving certificate, service-account issuer and signing keys (TokenRequest, TokenReview), RBAC,
// an admin bearer token (token file, group system:masters). No controller-manager: namespaces are
// never finalised and ServiceAccounts are not created for us.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { alive, freePort, startProcess, until, type Proc } from './processes.js';

export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const API_AUDIENCES = [ISSUER];

export interface Cluster {
  url: string;
  caPem: string;
  caFile: string;
  adminToken: string;
  kubeconfig: string;
  /** PEM public key of the service-account signer (for jwt auth's jwt_validation_pubkeys). */
  saPublicKeyPem: string;
  issuer: string;
  procs: Proc[];
  stop(): Promise<void>;
}

async function servingCert(): Promise<{ ca: string; cert: string; key: string }> {
  const now = Date.now();
  const notBeforeDate = new Date(now - 60_000);
  const notAfterDate = new Date(now + 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'e2e-kube-ca' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate, notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec', algorithm: 'sha256', notBeforeDate, notAfterDate, ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }, { type: 2, value: 'kubernetes.default.svc' }] },
    ],
  });
  const nl = (pem: string) => (pem.endsWith('\n') ? pem : `${pem}\n`);
  return { ca: nl(ca.cert), cert: nl(leaf.cert), key: nl(leaf.private) };
}

export function httpsGet(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export function kubeconfigYaml(url: string, caPem: string, token: string, user = 'admin'): string {
  return [
    'apiVersion: v1', 'kind: Config', 'current-context: e2e',
    'clusters:', '- name: e2e', '  cluster:', `    server: ${url}`, `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:', `- name: ${user}`, '  user:', `    token: ${token}`,
    'contexts:', '- name: e2e', '  context:', '    cluster: e2e', `    user: ${user}`, '',
  ].join('\n');
}

export async function startCluster(bin: { etcd: string; kubeApiserver: string }, dir: string): Promise<Cluster> {
  const etcdDir = join(dir, 'etcd');
  const certDir = join(dir, 'apiserver');
  mkdirSync(etcdDir, { recursive: true });
  mkdirSync(certDir, { recursive: true });
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcd = startProcess('etcd', bin.etcd, [
    '--data-dir', join(etcdDir, 'data'), '--listen-client-urls', `http://127.0.0.1:${etcdPort}`, '--advertise-client-urls', `http://127.0.0.1:${etcdPort}`,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `default=http://127.0.0.1:${peerPort}`, '--unsafe-no-fsync', '--log-level', 'warn',
  ], { dir });

  const tls = await servingCert();
  const caFile = join(certDir, 'ca.crt');
  writeFileSync(caFile, tls.ca);
  writeFileSync(join(certDir, 'apiserver.crt'), `${tls.cert}${tls.ca}`);
  writeFileSync(join(certDir, 'apiserver.key'), tls.key, { mode: 0o600 });
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  writeFileSync(join(certDir, 'sa.key'), sa.privateKey, { mode: 0o600 });
  writeFileSync(join(certDir, 'sa.pub'), sa.publicKey);
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(certDir, 'tokens.csv'), `${adminToken},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });

  try {
    await until('etcd', async () => (alive(etcd), (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok ? true : undefined), 30_000);
  } catch (err) {
    await etcd.stop();
    throw err;
  }
  const apiserver = startProcess('kube-apiserver', bin.kubeApiserver, [
    '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(apiPort),
    '--etcd-servers', `http://127.0.0.1:${etcdPort}`, '--cert-dir', certDir,
    '--tls-cert-file', join(certDir, 'apiserver.crt'), '--tls-private-key-file', join(certDir, 'apiserver.key'),
    '--client-ca-file', caFile, '--token-auth-file', join(certDir, 'tokens.csv'),
    '--service-account-issuer', ISSUER, '--api-audiences', API_AUDIENCES.join(','),
    '--service-account-key-file', join(certDir, 'sa.pub'), '--service-account-signing-key-file', join(certDir, 'sa.key'),
    '--authorization-mode', 'RBAC', '--service-cluster-ip-range', '10.0.0.0/24', '--allow-privileged=true',
    '--disable-admission-plugins', 'ServiceAccount', '--enable-priority-and-fairness=false', '--v', '1',
  ], { dir });
  const url = `https://127.0.0.1:${apiPort}`;
  const procs = [apiserver, etcd];
  const stop = async () => {
    for (const p of procs) await p.stop();
  };
  try {
    await until('kube-apiserver /readyz', async () => (alive(apiserver), (await httpsGet(`${url}/readyz`, tls.ca, adminToken)).status === 200 ? true : undefined), 90_000, 500);
  } catch (err) {
    await stop();
    throw err;
  }
  const kubeconfig = join(dir, 'admin.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(url, tls.ca, adminToken), { mode: 0o600 });
  return { url, caPem: tls.ca, caFile, adminToken, kubeconfig, saPublicKeyPem: sa.publicKey, issuer: ISSUER, procs, stop };
}
