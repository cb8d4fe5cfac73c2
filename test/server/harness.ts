// Starts the webhook and health servers on loopback (port 0) with a generated CA, and captures
// the JSON log lines, for the server tests.
import type { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/load.js';
import type { AdmissionConfig, GuardConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/log/logger.js';
import { captureLogs } from '../support/log-capture.js';
import type { AdmissionHandlers, ReadinessCheck } from '../../src/server/admission-types.js';
import { createMetricsRegistry } from '../../src/server/metrics.js';
import { startServers, type RunningServers } from '../../src/server/start.js';
import { selfSignedTlsSource } from '../../src/server/tls/self-signed.js';
import type { TlsSource } from '../../src/server/tls/source.js';

export interface TestServers extends RunningServers {
  ca: string;
  config: GuardConfig;
  registry: Registry;
  /** Parsed log lines written so far. */
  logs: Record<string, unknown>[];
}

export async function startTestServers(
  args: {
    handlers?: AdmissionHandlers;
    admission?: Partial<AdmissionConfig>;
    readinessChecks?: ReadinessCheck[];
    /** Built with the captured logger, so TLS reload messages can be asserted. */
    tls?: TlsSource | ((logger: Logger) => TlsSource | Promise<TlsSource>);
  } = {},
): Promise<TestServers> {
  const config = loadConfig({
    env: {},
    overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' }, admission: args.admission ?? {} },
  });
  const { logger, logs } = captureLogs();
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const tls =
    typeof args.tls === 'function'
      ? await args.tls(logger)
      : (args.tls ?? (await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard' })));
  const servers = await startServers({
    config,
    logger,
    registry,
    tls,
    ...(args.handlers ? { handlers: args.handlers } : {}),
    ...(args.readinessChecks ? { readinessChecks: args.readinessChecks } : {}),
  });
  return { ...servers, ca: tls.current().ca ?? tls.current().cert, config, registry, logs };
}
