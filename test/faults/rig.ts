// The whole webhook as `serve` assembles it (the servers + the checks' handlers + live Vault facts,
// self-signed TLS, a debug-level logger into memory), in front of the Vault double, so a fault
// injected into the double can be followed to the AdmissionReview answer, /metrics and the logs.
// Kubernetes faults (a dropped watch, 410 Gone, a compacted resourceVersion) are covered where the
// informers are tested: test/kube/informers.test.ts; they are not repeated here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/load.js';
import { captureLogs } from '../support/log-capture.js';
import { createMetricsRegistry } from '../../src/server/metrics.js';
import { selfSignedTlsSource } from '../../src/server/tls/self-signed.js';
import { vaultReadinessCheck } from '../../src/app.js';
import { startServers, type RunningServers } from '../../src/server/start.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { FailureMode } from '../../src/config/types.js';
import type { Logger } from 'pino';
import type { TlsSource } from '../../src/server/tls/source.js';
import { createVaultFacts, type VaultClientConfig, type VaultFactsService } from '../../src/vault/index.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { httpRequest, httpsRequest, type AdmissionReviewAnswer, type ClientResponse } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { serviceAccountJwt } from '../vault/helpers.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, type Obj } from '../checks/support/example-harness.js';

export const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

/** An ExternalSecret the classic-mistakes Vault admits cleanly when it is healthy. */
export function goodExternalSecret(name = 'db'): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'apps' },
    spec: {
      secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
      target: { name },
      data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }],
    },
  };
}

export interface TimedAnswer {
  res: ClientResponse<AdmissionReviewAnswer>;
  elapsedMs: number;
}

export interface FaultRig {
  /** The double currently serving (replaced by `restartVault`). */
  double: VaultDouble;
  facts: VaultFactsService;
  running: RunningServers;
  /** PEM the webhook's certificate chains to. */
  ca: string;
  deadlineMs: number;
  logs: Record<string, unknown>[];
  post(path: '/validate' | '/mutate', obj: Obj, uid?: string): Promise<TimedAnswer>;
  metrics(): Promise<string>;
  readyz(): Promise<ClientResponse<{ ready: boolean; message?: string }>>;
  /** Closes the double: its port is then closed (connection refused). */
  stopVault(): Promise<void>;
  /** A new double on the same port with the same state and webhook token: Vault is back. */
  restartVault(): Promise<void>;
  close(): Promise<void>;
}

export interface FaultRigOptions {
  failureMode: FailureMode;
  deadlineMs?: number;
  vault?: Partial<VaultClientConfig>;
  /** `kubernetes`: the webhook logs in with a ServiceAccount JWT, so a revoked token can be replaced by a new login. */
  login?: 'token' | 'kubernetes';
  /** checks.reuseResultsMs of the handlers (default 0: every admission checked afresh). */
  reuseResultsMs?: number;
  /** Answer as OpenBao where it differs from Vault (default vault). */
  flavour?: 'vault' | 'openbao';
  /** The serving certificate's source (default: a generated self-signed one); built with the captured logger. */
  tls?: (logger: Logger) => TlsSource;
}

export const WEBHOOK_ROLE = 'eso-vault-guard';

export async function startFaultRig(opts: FaultRigOptions): Promise<FaultRig> {
  const deadlineMs = opts.deadlineMs ?? 2000;
  let double = await startVaultDouble({ state: join(CLASSIC, 'vault-state.json'), ...(opts.flavour ? { flavour: opts.flavour } : {}) });
  const port = Number(new URL(double.url).port);
  let vaultConfig = webhookVaultConfig(double, {
    // Short enough for a test to see the breaker close again.
    breaker: { failureThreshold: 3, openMs: 200 },
    ...opts.vault,
  });
  if (opts.login === 'kubernetes') {
    const kube = double.state.auth['kubernetes/'] as { roles?: Record<string, Record<string, unknown>> };
    kube.roles = {
      ...kube.roles,
      [WEBHOOK_ROLE]: {
        bound_service_account_names: ['eso-vault-guard'], bound_service_account_namespaces: ['eso-vault-guard'],
        token_policies: ['eso-vault-guard'], token_ttl: 3600,
      },
    };
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'fault-sa-')), 'token');
    writeFileSync(tokenFile, serviceAccountJwt('eso-vault-guard', 'eso-vault-guard'));
    vaultConfig = {
      ...vaultConfig,
      servers: vaultConfig.servers.map((s) => ({ ...s, login: { method: 'kubernetes' as const, mountPath: 'kubernetes', role: WEBHOOK_ROLE, tokenFile } })),
    };
  }

  const { logger, logs } = captureLogs();
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const config = loadConfig({
    env: {},
    overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' }, admission: { deadlineMs, failureMode: opts.failureMode, mode: 'enforce' } },
  });
  const facts = createVaultFacts(vaultConfig, { logger, registry });
  await facts.start();
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup(loadManifests(CLASSIC)),
    mode: 'enforce',
    failureMode: opts.failureMode,
    defaultAudiences: DEFAULT_AUDIENCES,
    ...(opts.reuseResultsMs ? { reuseResultsMs: opts.reuseResultsMs } : {}),
  });
  const tls = opts.tls ? opts.tls(logger) : await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard' });
  const running = await startServers({
    config, handlers, logger, registry, tls, readinessChecks: [vaultReadinessCheck(facts)],
  });
  const ca = tls.current().ca ?? tls.current().cert;
  let n = 0;
  let vaultUp = true;

  const rig: FaultRig = {
    double,
    facts,
    running,
    ca,
    deadlineMs,
    logs,
    async post(path, obj, uid) {
      n += 1;
      const started = performance.now();
      const res = await httpsRequest<AdmissionReviewAnswer>({
        port: running.webhookPort, path, method: 'POST', body: admissionReview(obj, { uid: uid ?? `fault-${n}` }), ca,
        // The API server gives up after its timeoutSeconds; this client too, well after the deadline.
        timeoutMs: deadlineMs + 5000,
      });
      return { res, elapsedMs: performance.now() - started };
    },
    metrics: async () => (await httpRequest<string>({ port: running.metricsPort, path: '/metrics' })).text,
    readyz: () => httpRequest({ port: running.metricsPort, path: '/readyz' }),
    async stopVault() {
      vaultUp = false;
      await rig.double.close();
    },
    async restartVault() {
      double = await startVaultDouble({ state: rig.double.state, webhookToken: rig.double.webhookToken, port, ...(opts.flavour ? { flavour: opts.flavour } : {}) });
      rig.double = double;
      vaultUp = true;
    },
    async close() {
      await running.close();
      await facts.close();
      if (vaultUp) await rig.double.close();
    },
  };
  return rig;
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Polls `attempt` until it returns true, failing after `timeoutMs`. */
export async function eventually(what: string, attempt: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await attempt()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The admission log line for a uid. */
export function admissionLog(logs: Record<string, unknown>[], uid: string): Record<string, unknown> | undefined {
  return logs.find((l) => l.uid === uid && typeof l.msg === 'string' && l.msg.startsWith('admission '));
}
