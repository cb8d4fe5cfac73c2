// `eso-vault-guard serve`: the admission webhook and its health/metrics server, as src/app.ts
// composes them, until SIGTERM.
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { loadConfig } from '../../config/load.js';

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
      // Imported here so the Kubernetes client and the server load only for serve.
      const [{ startApp }, { kubeConfigFor }] = await Promise.all([import('../../app.js'), import('../../kube/runtime.js')]);
      const app = await startApp(config, { kubeConfig: kubeConfigFor(flags.kubeconfig) });
      const logger = app.logger;
      logger.info({ webhookPort: app.servers.webhookPort, metricsPort: app.servers.metricsPort }, 'eso-vault-guard is serving');
      // A stray rejection in a check must not take the webhook down; it is logged instead.
      process.on('unhandledRejection', (reason: unknown) => {
        logger.error({ err: reason }, 'unhandled promise rejection');
      });
      closeOnSignals({ shutdown: () => app.shutdown(), logger }, config.server.drainMs + config.admission.deadlineMs + 5000);
    });
}
