// `eso-vault-guard serve`: the admission webhook and its health/metrics server.
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { loadConfig } from '../../config/load.js';
import type { GuardConfig } from '../../config/types.js';
import { createLogger } from '../../log/logger.js';
import type { AdmissionHandlers, ReadinessCheck } from '../../server/admission-types.js';
import { createMetricsRegistry } from '../../server/metrics.js';
import type { RequestAuthorizer } from '../../server/report-route.js';
import { startServers, type RunningServers } from '../../server/start.js';
import { fileTlsSource } from '../../server/tls/file-source.js';
import { selfSignedTlsSource } from '../../server/tls/self-signed.js';
import type { TlsSource } from '../../server/tls/source.js';

export interface ServeDeps {
  handlers?: AdmissionHandlers;
  readinessChecks?: ReadinessCheck[];
  logger?: Logger;
  registry?: Registry;
  /** Defaults to the configured files, or a generated self-signed certificate when none are set. */
  tls?: TlsSource;
  /** The background audit's latest report, served as GET /report on the HTTPS port. */
  auditReport?: () => unknown;
  /** Authorises GET /report (TokenReview + SubjectAccessReview); undefined without Kubernetes. */
  reportAuthorizer?: RequestAuthorizer;
}

export interface RunningServe extends RunningServers {
  tls: TlsSource;
  logger: Logger;
  registry: Registry;
}

export async function tlsSourceFromConfig(config: GuardConfig, logger: Logger): Promise<TlsSource> {
  const { certFile, keyFile, caFile } = config.tls;
  if (certFile && keyFile) return fileTlsSource(certFile, keyFile, caFile, { logger });
  logger.warn(
    { serviceName: config.tls.serviceName, namespace: config.tls.namespace },
    'no tls.certFile/tls.keyFile configured; serving a generated self-signed certificate',
  );
  return selfSignedTlsSource({
    serviceName: config.tls.serviceName,
    namespace: config.tls.namespace,
    extraDnsNames: config.tls.extraDnsNames,
  });
}

/** Starts both servers; the lead's wiring passes the real handlers and readiness checks here. */
export async function runServe(config: GuardConfig, deps: ServeDeps = {}): Promise<RunningServe> {
  const logger = deps.logger ?? createLogger({ level: config.log.level });
  const registry = deps.registry ?? createMetricsRegistry();
  const tls = deps.tls ?? (await tlsSourceFromConfig(config, logger));
  const servers = await startServers({
    config,
    logger,
    registry,
    tls,
    ...(deps.handlers ? { handlers: deps.handlers } : {}),
    ...(deps.readinessChecks ? { readinessChecks: deps.readinessChecks } : {}),
    ...(deps.auditReport ? { auditReport: deps.auditReport } : {}),
    ...(deps.reportAuthorizer ? { reportAuthorizer: deps.reportAuthorizer } : {}),
  });
  return { ...servers, tls, logger, registry };
}

/**
 * SIGTERM/SIGINT: drain (answer admissions while /readyz says 503, so the endpoints go away first),
 * then stop accepting, finish in-flight admissions, exit. A second signal exits at once.
 */
export function closeOnSignals(running: { shutdown(): Promise<void>; logger: Logger }, graceMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    running.logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      running.logger.error({ graceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs).unref();
    running.shutdown().then(
      () => {
        running.logger.info('stopped');
        running.logger.flush();
        // Idle keep-alive sockets of the HTTP clients (Kubernetes, Vault) would hold the loop open
        // until their peers close them; everything that matters is closed, so leave now.
        process.exit(0);
      },
      (err: unknown) => {
        running.logger.error({ err }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Flag values stay text when they are not numbers, so config validation names the flag's field. */
function portFlag(value: string): number {
  return (/^\d+$/.test(value) ? Number(value) : value) as number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the admission webhook (HTTPS /validate, /mutate, authorised GET /report) and the health/metrics server (HTTP /healthz, /readyz, /metrics)')
    .option('--config <file>', 'YAML configuration file (or ESO_GUARD_CONFIG)')
    .option('--port <n>', 'HTTPS webhook port (server.port, ESO_GUARD_PORT; default 8443)', portFlag)
    .option('--metrics-port <n>', 'health/metrics port (server.metricsPort, ESO_GUARD_METRICS_PORT; default 8080)', portFlag)
    .option('--kubeconfig <file>', 'kubeconfig outside a pod (default $KUBECONFIG, then ~/.kube/config)')
    .action(async (flags: { config?: string; port?: number; metricsPort?: number; kubeconfig?: string }) => {
      const config = loadConfig({
        file: flags.config,
        env: process.env,
        overrides: { server: { port: flags.port, metricsPort: flags.metricsPort } },
      });
      // Imported here so the Kubernetes client loads only for serve.
      const { startWebhookRuntime, kubeConfigFor } = await import('../webhook-runtime.js');
      const runtime = await startWebhookRuntime(config, { kubeConfig: kubeConfigFor(flags.kubeconfig) });
      const logger = runtime.servers.logger;
      logger.info({ webhookPort: runtime.servers.webhookPort, metricsPort: runtime.servers.metricsPort }, 'eso-vault-guard is serving');
      // A stray rejection in a check must not take the webhook down; it is logged instead.
      process.on('unhandledRejection', (reason: unknown) => {
        logger.error({ err: reason }, 'unhandled promise rejection');
      });
      closeOnSignals({ shutdown: () => runtime.shutdown(), logger }, config.server.drainMs + config.admission.deadlineMs + 5000);
    });
}
