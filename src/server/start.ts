// Starts the HTTPS webhook and the plain-HTTP health/metrics app together, and stops them in the
// order that loses no admission: drain (still answering, /readyz 503 so endpoints are removed),
// then stop accepting, finish in-flight admissions, close.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ReadinessCheck } from './admission-types.js';
import { createHealthServer } from './health-app.js';
import { createAdmissionServer, type AdmissionServer, type AdmissionServerOptions } from './webhook-app.js';

/** Waits `ms`; injected by tests so a drain needs no real time. */
export type Wait = (ms: number) => Promise<void>;

export const realWait: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunningServers {
  webhookPort: number;
  metricsPort: number;
  webhook: AdmissionServer;
  health: FastifyInstance;
  /** From now on /readyz says 503 (draining); admissions are still answered. */
  drain(): void;
  /** drain(), wait server.drainMs (with `wait`), then close(). */
  shutdown(wait?: Wait): Promise<void>;
  /** Stops taking requests, lets in-flight admissions finish, then closes the TLS source. */
  close(): Promise<void>;
}

export async function startServers(opts: AdmissionServerOptions): Promise<RunningServers> {
  const { config, logger } = opts;
  let webhookListening = false;
  let draining = false;
  const tlsCheck: ReadinessCheck = {
    name: 'tls',
    check: () =>
      webhookListening ? { ready: true } : { ready: false, reason: 'the HTTPS webhook is not listening with a certificate yet' },
  };
  const drainCheck: ReadinessCheck = {
    name: 'shutdown',
    check: () => (draining ? { ready: false, reason: 'draining: the pod is stopping; admissions are still answered until it closes' } : { ready: true }),
  };
  const health = createHealthServer({
    logger,
    registry: opts.registry,
    readinessChecks: [tlsCheck, drainCheck, ...(opts.readinessChecks ?? [])],
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
    `webhook listening on https://${config.server.host}:${webhookPort} (/validate, /mutate, /report); health and metrics on http://${config.server.host}:${metricsPort}`,
  );
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      webhookListening = false;
      await webhook.close();
      await health.close();
      opts.tls.close();
    })();
    return closing;
  };
  let shuttingDown: Promise<void> | undefined;
  const drain = (): void => {
    if (!draining) logger.info({ drainMs: config.server.drainMs }, 'draining: /readyz reports 503, admissions are still answered');
    draining = true;
  };
  return {
    webhookPort,
    metricsPort,
    webhook,
    health,
    drain,
    shutdown(wait = realWait) {
      shuttingDown ??= (async () => {
        drain();
        await wait(config.server.drainMs);
        await close();
      })();
      return shuttingDown;
    },
    close,
  };
}
