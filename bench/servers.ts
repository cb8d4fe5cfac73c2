// The two servers the benchmark compares: the real webhook (startServers + the checks + the Vault facts
// layer against the Vault double) and the ceiling, a bare fastify HTTPS server with the same TLS
// settings that only echoes an allowed AdmissionReview.
import { fastify } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createAdmissionHandlers } from '../src/checks/handlers.js';
import { loadConfig } from '../src/config/load.js';
import { createOfflineLookup, parseEsoObject } from '../src/eso/index.js';
import { pino } from 'pino';
import { createLogger } from '../src/log/index.js';
import type { AdmissionHandlers } from '../src/server/admission-types.js';
import type { TokenReviewAccess } from '../src/checks/token-review-access.js';
import { createMetricsRegistry } from '../src/server/metrics.js';
import { createReplyBatch } from '../src/server/reply-batch.js';
import { startServers } from '../src/server/start.js';
import { selfSignedTlsSource } from '../src/server/tls/self-signed.js';
import { secureContextOptions, type TlsSource } from '../src/server/tls/source.js';
import { createVaultFacts, type VaultFactsService } from '../src/vault/index.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble, type VaultState } from '../test/support/vault-double.js';
import { DEFAULT_AUDIENCES, SERVER, namespaceObject, secretStore } from './fixtures.js';

export interface BenchWebhook {
  port: number;
  double: VaultDouble;
  facts: VaultFactsService;
  tls: TlsSource;
  /** The admission handlers the server calls now (they change with setReuseResultsMs and resetFacts). */
  readonly handlers: AdmissionHandlers;
  /** A fresh facts layer (cold cache) and fresh handlers (no reused results) behind the same server. */
  resetFacts(): Promise<void>;
  /** checks.reuseResultsMs of the handlers (default: the product's default). */
  setReuseResultsMs(ms: number): void;
  /** Who answers SubjectAccessReviews (client-JWT mode); undefined (the default): no cluster to ask. */
  setTokenReviews(access: TokenReviewAccess | undefined): void;
  close(): Promise<void>;
}

/**
 * The product's logger (JSON lines, redaction) writing to /dev/null: each admission pays for its log
 * line as in production, without filling the terminal.
 */
export function benchLogger() {
  return createLogger({ destination: pino.destination({ dest: '/dev/null', sync: false }) });
}

const LONG_CACHE = { policyTtlMs: 600_000, roleTtlMs: 600_000, mountTtlMs: 600_000, secretTtlMs: 600_000, negativeTtlMs: 600_000, maxEntries: 20_000 };

export async function startBenchWebhook(args: { state: VaultState; teams: number; latencyMs: number }): Promise<BenchWebhook> {
  const double = await startVaultDouble({ state: args.state, latencyMs: args.latencyMs });
  const logger = benchLogger();
  const registry = createMetricsRegistry({ defaultMetrics: false });
  // One server, as a deployment has: the double's config also names its own URL (a second session,
  // with its own health check and token lookup, that no store here uses).
  const doubleConfig = webhookVaultConfig(double, { cache: LONG_CACHE, requestTimeoutMs: 2_000 });
  const vaultConfig = { ...doubleConfig, servers: doubleConfig.servers.filter((s) => s.url === SERVER) };
  let facts = createVaultFacts(vaultConfig, { logger, registry });
  await facts.start();
  const objects = [];
  for (let t = 0; t < args.teams; t++) objects.push(parseEsoObject(namespaceObject(t)), parseEsoObject(secretStore(t)));
  const lookup = createOfflineLookup(objects, { name: 'external-secrets', namespace: 'external-secrets' });
  const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' } } });
  const tls = await selfSignedTlsSource({ serviceName: 'eso-vault-guard', namespace: 'eso-vault-guard', extraDnsNames: ['localhost'] });
  let reuseResultsMs = config.checks.reuseResultsMs;
  let tokenReviews: TokenReviewAccess | undefined;
  const makeHandlers = () =>
    createAdmissionHandlers({ facts, lookup, mode: 'enforce', failureMode: 'failOpen', defaultAudiences: DEFAULT_AUDIENCES, reuseResultsMs, ...(tokenReviews ? { tokenReviews } : {}) });
  let handlers = makeHandlers();
  const servers = await startServers({
    config,
    logger,
    registry,
    tls,
    handlers: { validate: (request, ctx) => handlers.validate(request, ctx), mutate: (request, ctx) => handlers.mutate(request, ctx) },
  });
  return {
    port: servers.webhookPort,
    double,
    get facts() {
      return facts;
    },
    tls,
    get handlers() {
      return handlers;
    },
    setReuseResultsMs(ms: number) {
      reuseResultsMs = ms;
      handlers = makeHandlers();
    },
    setTokenReviews(access: TokenReviewAccess | undefined) {
      tokenReviews = access;
      handlers = makeHandlers();
    },
    async resetFacts() {
      // Fresh handlers on the fresh facts (no proxy in front of them: it cost every fact lookup a trap).
      await facts.close();
      facts = createVaultFacts(vaultConfig, { logger, registry: createMetricsRegistry({ defaultMetrics: false }) });
      await facts.start();
      handlers = makeHandlers();
    },
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

/**
 * The webhook's server layer alone: startServers (fastify, AdmissionReview decoding, deadline, failure
 * mode, metrics, admission log) with handlers that allow everything. Between the echo ceiling and
 * the full webhook, it shows what the server layer costs apart from the checks.
 */
export async function startServerLayerOnly(tls: TlsSource): Promise<{ port: number; close(): Promise<void> }> {
  const allow = async () => ({ allowed: true, warnings: [], codes: [] });
  const config = loadConfig({ env: {}, overrides: { server: { port: 0, metricsPort: 0, host: '127.0.0.1' } } });
  const servers = await startServers({ config, logger: benchLogger(), registry: createMetricsRegistry({ defaultMetrics: false }), tls, handlers: { validate: allow, mutate: allow } });
  return { port: servers.webhookPort, close: () => servers.close() };
}

/**
 * The ceiling: same TLS, same body limit, JSON parse and an AdmissionReview answer; no checks.
 * `batched`: its answers are written together at the end of each event-loop turn, as the webhook's
 * are (src/server/reply-batch.ts), to show what that alone is worth against the plain echo.
 */
export async function startEchoServer(tls: TlsSource, opts: { batched?: boolean } = {}): Promise<{ port: number; close(): Promise<void> }> {
  const app = fastify({ https: secureContextOptions(tls.current()), bodyLimit: 3 * 1024 * 1024 });
  const answerOf = (request: { body: unknown }) => {
    const uid = (request.body as { request?: { uid?: string } }).request?.uid ?? '';
    return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
  };
  if (opts.batched) {
    const sendSoon = createReplyBatch(() => {});
    app.post('/validate', (request, reply) => sendSoon(() => void reply.send(answerOf(request))));
  } else {
    app.post('/validate', async (request) => answerOf(request));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}
