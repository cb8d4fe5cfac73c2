// The product "as deployed", out of cluster: deploy/base rendered by `kubectl kustomize`, applied
// without the parts that only make sense in a pod (Deployment, Service, PodDisruptionBudget,
// ConfigMap); the webhooks call `url: https://localhost:<port>/…` instead of the Service (the
// shared self-signed certificate names localhost via tls.extraDnsNames); `serve` runs as a local
// process with the ServiceAccount's token, so deploy/base's RBAC is what it really has, and with
// the ConfigMap's config.yaml adjusted for loopback.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify, parse } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';
import { kubeconfigYaml, type Cluster } from './cluster.js';
import { alive, freePort, run, startProcess, until, type Proc } from './processes.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const GUARD_NAMESPACE = 'eso-vault-guard';
export const GUARD_SA = 'eso-vault-guard';

export interface Rendered {
  applied: Obj[];
  /** config.yaml of the ConfigMap. */
  config: Obj;
  webhookPort: number;
}

export async function renderDeploy(kubectl: string, webhookPort: number): Promise<Rendered> {
  const out = await run(kubectl, ['kustomize', join(REPO_ROOT, 'deploy', 'base')]);
  if (out.code !== 0) throw new Error(`kubectl kustomize deploy/base: ${out.stderr}`);
  const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Obj).filter(Boolean);
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  const config = parse(String(configMap?.data?.['config.yaml'] ?? '')) as Obj;
  const applied = docs
    .filter((d) => !['Deployment', 'Service', 'PodDisruptionBudget', 'ConfigMap'].includes(d.kind))
    .map((d) => {
      if (d.kind !== 'ValidatingWebhookConfiguration' && d.kind !== 'MutatingWebhookConfiguration') return d;
      for (const w of d.webhooks as Obj[]) {
        const path = String(w.clientConfig?.service?.path ?? '/');
        w.clientConfig = { url: `https://localhost:${webhookPort}${path}` };
        // Longer than deployed: this busy test machine runs etcd, the API server, OpenBao and ESO too.
        w.timeoutSeconds = 10;
      }
      return d;
    });
  return { applied, config, webhookPort };
}

export interface GuardProcess {
  proc: Proc;
  metricsPort: number;
  /** Admission records from the log (one JSON line each). */
  admissions(): Obj[];
  logLines(): Obj[];
  stop(): Promise<void>;
}

export interface GuardSettings {
  mode: 'enforce' | 'warn' | 'audit';
  vaultServers: Obj[];
  auditIntervalMs: number;
}

/** Writes config + kubeconfig (the ServiceAccount's token) and starts `node dist/src/cli/main.js serve`. */
export async function startGuard(dir: string, tag: string, cluster: Cluster, saToken: string, rendered: Rendered, settings: GuardSettings): Promise<GuardProcess> {
  const metricsPort = await freePort();
  const config = structuredClone(rendered.config);
  config.server = { ...config.server, port: rendered.webhookPort, metricsPort, host: '127.0.0.1' };
  config.tls = { ...config.tls, extraDnsNames: ['localhost'] };
  config.admission = { ...config.admission, mode: settings.mode };
  config.vault = { servers: settings.vaultServers, healthIntervalMs: 2000 };
  config.kube = { ...config.kube, leaseDurationMs: 4000, leaseRenewMs: 1000 };
  config.audit = { ...config.audit, enabled: true, intervalMs: settings.auditIntervalMs, objectsPerSecond: 50 };
  config.log = { level: 'info' };
  const configFile = join(dir, `guard-${tag}.yaml`);
  writeFileSync(configFile, stringify(config));
  const kubeconfig = join(dir, 'guard.kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(cluster.url, cluster.caPem, saToken, `system:serviceaccount:${GUARD_NAMESPACE}:${GUARD_SA}`), { mode: 0o600 });
  const proc = startProcess(`guard-${tag}`, process.execPath, [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--config', configFile, '--kubeconfig', kubeconfig], {
    dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, POD_NAME: `guard-${tag}` },
  });
  const { readFileSync } = await import('node:fs');
  const logLines = (): Obj[] => readFileSync(proc.logFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try { return JSON.parse(l) as Obj; } catch { return {}; }
  });
  try {
    await until(`serve (${tag}) /readyz`, async () => {
      alive(proc);
      const res = await fetch(`http://127.0.0.1:${metricsPort}/readyz`);
      return res.status === 200 ? true : undefined;
    }, 60_000, 300);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return {
    proc, metricsPort, logLines,
    admissions: () => logLines().filter((l) => typeof l.webhook === 'string' && typeof l.decision === 'string'),
    stop: () => proc.stop(),
  };
}
