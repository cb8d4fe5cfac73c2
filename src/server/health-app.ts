// Plain-HTTP app for the kubelet and Prometheus: /healthz, /readyz, /metrics. It is on its own
// port so probes and scrapes never need the webhook's certificate. /readyz means "this pod can
// answer admissions"; informational checks (Vault) are shown in its body and in the
// eso_vault_guard_readiness_check gauge without failing it. The audit report is not served here
// (plain HTTP, no authentication): see report-route.ts on the HTTPS port.
import { fastify, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { ReadinessCheck, ReadinessStatus } from './admission-types.js';
import { quietFastifyLogging } from './fastify-logging.js';
import { registerOnce } from './metrics.js';

export interface HealthServerOptions {
  logger: Logger;
  registry: Registry;
  readinessChecks: ReadinessCheck[];
  /** A check that hangs counts as not ready after this long. */
  checkTimeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { name: string; ready: boolean; informational?: true; reason?: string }[];
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
      return {
        name: c.name,
        ready: status.ready === true,
        ...(c.informational ? { informational: true as const } : {}),
        ...(status.ready ? {} : { reason: status.reason ?? 'not ready' }),
      };
    }),
  );
  return { ready: results.every((r) => r.ready || r.informational), checks: results };
}

/** 1/0 per readiness check, evaluated at each scrape (Vault health shows here, not as unreadiness). */
function readinessGauge(registry: Registry, report: () => Promise<ReadinessReport>): void {
  registerOnce(registry, 'eso_vault_guard_readiness_check', () => new Gauge({
    name: 'eso_vault_guard_readiness_check',
    help: '1 when a readiness check passes; informational checks (vault) never make the pod unready.',
    labelNames: ['check', 'informational'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const c of (await report()).checks) this.set({ check: c.name, informational: String(c.informational === true) }, c.ready ? 1 : 0);
    },
  }));
}

export function createHealthServer(opts: HealthServerOptions): FastifyInstance {
  const app = fastify({ ...quietFastifyLogging(opts.logger), forceCloseConnections: 'idle' }) as unknown as FastifyInstance;
  const report = () => readinessReport(opts.readinessChecks, opts.checkTimeoutMs);
  readinessGauge(opts.registry, report);
  app.get('/healthz', async (_request, reply) => reply.type('application/json').send({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = await readinessReport(opts.readinessChecks, opts.checkTimeoutMs);
    if (!report.ready) {
      const waiting = report.checks.filter((c) => !c.ready && !c.informational).map((c) => `${c.name}: ${c.reason}`);
      return reply.code(503).type('application/json').send({ ...report, message: `not ready: ${waiting.join('; ')}` });
    }
    return reply.type('application/json').send(report);
  });
  app.get('/report', async (_request, reply) =>
    reply.code(404).type('application/json').send({ message: 'the audit report is not served over plain HTTP: GET /report on the HTTPS webhook port with a bearer token (see docs/operations.md)' }),
  );
  app.get('/metrics', async (_request, reply) => {
    const text = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(text);
  });
  return app;
}
