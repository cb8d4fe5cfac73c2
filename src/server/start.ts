// Starts the HTTPS webhook and the plain-HTTP health/metrics app together.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from './admission-types.js';
import { createHealthServer } from './health-app.js';
import { createAdmissionServer, type AdmissionServer, type AdmissionServerOptions } from './webhook-app.js';

export interface RunningServers {
  webhookPort: number;
  metricsPort: number;
  webhook: AdmissionServer;
  health: FastifyInstance;
  /** Stops taking requests, lets in-flight admissions finish, then closes the TLS source. */
  close(): Promise<void>;
}

export async function startServers(opts: AdmissionServerOptions): Promise<RunningServers> {
  const { config, logger } = opts;
  let webhookListening = false;
  const tlsCheck: ReadinessCheck = {
    name: 'tls',
    check: () =>
      webhookListening ? { ready: true } : { ready: false, reason: 'the HTTPS webhook is not listening with a certificate yet' },
  };
  const health = createHealthServer({
    logger,
    registry: opts.registry,
    readinessChecks: [tlsCheck, ...(opts.readinessChecks ?? [])],
    ...(opts.auditReport ? { auditReport: opts.auditReport } : {}),
  });
  const webhook = createAdmissionServer(opts);
  try {
    await health.listen({ port: config.server.metricsPort, host: config.server.host });
    await webhook.listen({ port: config.server.port, host: config.server.host });
  } catch (err) {
    await Promise.allSettled([webhook.close(), health.close()]);
    throw err;
  }
  webhookListening = true;
  const webhookPort = (webhook.server.address() as AddressInfo).port;
  const metricsPort = (health.server.address() as AddressInfo).port;
  logger.info(
    { host: config.server.host, webhookPort, metricsPort },
    `webhook listening on https://${config.server.host}:${webhookPort} (/validate, /mutate); health and metrics on http://${config.server.host}:${metricsPort}`,
  );
  let closing: Promise<void> | undefined;
  return {
    webhookPort,
    metricsPort,
    webhook,
    health,
    close: () => {
      closing ??= (async () => {
        webhookListening = false;
        await webhook.close();
        await health.close();
        opts.tls.close();
      })();
      return closing;
    },
  };
}
