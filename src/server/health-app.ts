// Plain-HTTP app for the kubelet and Prometheus: /healthz, /readyz, /metrics. It is on its own
// port so probes and scrapes never need the webhook's certificate.
import { fastify, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ReadinessCheck, ReadinessStatus } from './admission-types.js';
import { quietFastifyLogging } from './fastify-logging.js';

export interface HealthServerOptions {
  logger: Logger;
  registry: Registry;
  readinessChecks: ReadinessCheck[];
  /** A check that hangs counts as not ready after this long. */
  checkTimeoutMs?: number;
  /** The background audit's latest report (GET /report); undefined when this replica does not audit. */
  auditReport?: () => unknown;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { name: string; ready: boolean; reason?: string }[];
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessStatus>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `check did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } catch (err) {
    return { ready: false, reason: `check failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

export async function readinessReport(checks: ReadinessCheck[], timeoutMs = 1000): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const status = await runCheck(c, timeoutMs);
      return { name: c.name, ready: status.ready === true, ...(status.ready ? {} : { reason: status.reason ?? 'not ready' }) };
    }),
  );
  return { ready: results.every((r) => r.ready), checks: results };
}

export function createHealthServer(opts: HealthServerOptions): FastifyInstance {
  const app = fastify({ ...quietFastifyLogging(opts.logger), forceCloseConnections: 'idle' }) as unknown as FastifyInstance;
  app.get('/healthz', async (_request, reply) => reply.type('application/json').send({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = await readinessReport(opts.readinessChecks, opts.checkTimeoutMs);
    if (!report.ready) {
      const waiting = report.checks.filter((c) => !c.ready).map((c) => `${c.name}: ${c.reason}`);
      return reply.code(503).type('application/json').send({ ...report, message: `not ready: ${waiting.join('; ')}` });
    }
    return reply.type('application/json').send(report);
  });
  app.get('/report', async (_request, reply) => {
    const report = opts.auditReport?.();
    if (report === undefined) {
      return reply.code(404).type('application/json').send({ message: 'no audit report on this replica: the audit is disabled, has not finished a pass yet, or another replica holds the audit Lease' });
    }
    return reply.type('application/json').send(report);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(text);
  });
  return app;
}
