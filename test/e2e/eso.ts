// ESO's controller, out of cluster against the run's API server (admin kubeconfig), without its
// own webhook and cert controller (those are separate subcommands in ESO v2), no leader election.
// It reaches the examples' Vault names through the run's CONNECT proxy (HTTPS_PROXY; Go never
// proxies loopback, so the API server is reached directly) and trusts the proxy's CA (SSL_CERT_FILE).
// A pod's projected token: kubernetes auth without serviceAccountRef or secretRef makes ESO read
// /var/run/secrets/kubernetes.io/serviceaccount/token (providers/v1/vault/auth_kubernetes.go), which
// only a pod has. So the controller runs in a private mount namespace whose /run is a fresh tmpfs
// holding a TokenRequest token of external-secrets/external-secrets (the default controller SA);
// the host's /run is untouched. Without unshare (not root) it starts as before and logs why.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, startProcess, until, alive, type Proc } from './processes.js';

const POD_TOKEN_SCRIPT = [
  'set -e', 'mount -t tmpfs -o mode=0755 tmpfs /run', 'mkdir -p /run/secrets/kubernetes.io/serviceaccount',
  'cp "$1" /run/secrets/kubernetes.io/serviceaccount/token', 'shift', 'exec "$@"',
].join('; ');

export async function startEso(bin: string, dir: string, kubeconfig: string, proxy: { url: string; caPem: string }, podToken?: string): Promise<Proc> {
  const caFile = join(dir, 'vault-proxy-ca.pem');
  writeFileSync(caFile, proxy.caPem);
  const [metrics, live] = [await freePort(), await freePort()];
  const esoArgs = [
    `--metrics-addr=127.0.0.1:${metrics}`, `--live-addr=127.0.0.1:${live}`, '--enable-leader-election=false', '--concurrent=4',
    '--store-requeue-interval=5s', '--loglevel=info',
  ];
  let [cmd, args] = [bin, esoArgs];
  if (podToken !== undefined) {
    const tokenFile = join(dir, 'eso-pod-token');
    writeFileSync(tokenFile, podToken, { mode: 0o600 });
    [cmd, args] = ['unshare', ['--mount', '--propagation', 'private', 'sh', '-c', POD_TOKEN_SCRIPT, 'sh', tokenFile, bin, ...esoArgs]];
  }
  const proc = startProcess('external-secrets', cmd, args, {
    dir,
    env: {
      PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig,
      HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost', SSL_CERT_FILE: caFile,
    },
  });
  await until('external-secrets /healthz', async () => {
    alive(proc);
    const res = await fetch(`http://127.0.0.1:${live}/healthz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 60_000, 500).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return proc;
}

/** Whether this process may create a private mount namespace (root, unshare present). */
export async function canUnshare(): Promise<boolean> {
  const res = await run('unshare', ['--mount', '--propagation', 'private', 'true']);
  return res.code === 0;
}
