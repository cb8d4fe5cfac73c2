// ESO's controller, out of cluster against the run's API server (admin kubeconfig), without its
// own webhook and cert controller (those are separate subcommands in ESO v2), no leader election.
// It reaches the examples' Vault names through the run's CONNECT proxy (HTTPS_PROXY; Go never
// proxies loopback, so the API server is reached directly) and trusts the proxy's CA (SSL_CERT_FILE).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, until, alive, type Proc } from './processes.js';

export async function startEso(bin: string, dir: string, kubeconfig: string, proxy: { url: string; caPem: string }): Promise<Proc> {
  const caFile = join(dir, 'vault-proxy-ca.pem');
  writeFileSync(caFile, proxy.caPem);
  const [metrics, live] = [await freePort(), await freePort()];
  const proc = startProcess('external-secrets', bin, [
    `--metrics-addr=127.0.0.1:${metrics}`, `--live-addr=127.0.0.1:${live}`, '--enable-leader-election=false', '--concurrent=4',
    '--store-requeue-interval=5s', '--loglevel=info',
  ], {
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
