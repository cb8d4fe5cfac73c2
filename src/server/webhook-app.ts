// The HTTPS admission webhook: POST /validate and POST /mutate. Every well-formed AdmissionReview
// gets an AdmissionReview back (rules, deadline and failure mode all end in a decision); anything
// else gets a 4xx with a one-line JSON error. The decision itself comes from injected handlers.
import { performance } from 'node:perf_hooks';
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GuardConfig } from '../config/types.js';
import { logAdmission } from '../log/admission-log.js';
import {
  defaultHandlers,
  type AdmissionHandlers,
  type AdmissionReviewResponse,
  type ReadinessCheck,
  type WebhookName,
} from './admission-types.js';
import { encodeAdmissionResponse } from './encode.js';
import { failureDecision } from './failure.js';
import { quietFastifyLogging } from './fastify-logging.js';
import { admissionMetrics, type AdmissionMetrics } from './metrics.js';
import { answerAdmission, kindLabel, type Answer } from './answer.js';
import { BODY_LIMIT_BYTES, bodyTooLarge, describeRequestError, type RequestProblem } from './request-errors.js';
import { decodeAdmissionReview } from './review-schema.js';
import { createReplyBatch } from './reply-batch.js';
import { registerReportRoute, type RequestAuthorizer } from './report-route.js';
import { secureContextOptions, type TlsSource } from './tls/source.js';

export interface AdmissionServerOptions {
  config: GuardConfig;
  logger: Logger;
  registry: Registry;
  /** Defaults: validate admits, mutate patches nothing. */
  handlers?: AdmissionHandlers;
  /** Used by startServers for /readyz; the webhook app itself ignores them. */
  readinessChecks?: ReadinessCheck[];
  /** Served as GET /report on this HTTPS port to authorised callers (config.report). */
  auditReport?: () => unknown;
  /** Authenticates and authorises GET /report; undefined without a Kubernetes API. */
  reportAuthorizer?: RequestAuthorizer;
  tls: TlsSource;
}

export type AdmissionServer = FastifyInstance<HttpsServer>;

function sendProblem(reply: FastifyReply, problem: RequestProblem, metrics: AdmissionMetrics): FastifyReply {
  metrics.malformed.inc({ reason: problem.reason });
  if (problem.statusCode === 413) {
    // Closing the connection means the rest of the oversized body is never read.
    void reply.header('connection', 'close');
  }
  return reply.code(problem.statusCode).type('application/json').send({ error: problem.message });
}

export function createAdmissionServer(opts: AdmissionServerOptions): AdmissionServer {
  const { config, logger, tls } = opts;
  const handlers = opts.handlers ?? defaultHandlers;
  const metrics = admissionMetrics(opts.registry);

  const app = fastify({
    https: secureContextOptions(tls.current()),
    ...quietFastifyLogging(logger),
    bodyLimit: BODY_LIMIT_BYTES,
    // A client that stops sending must not hold a request open for ever.
    requestTimeout: config.admission.deadlineMs + 10_000,
    forceCloseConnections: 'idle',
  }) as unknown as AdmissionServer;

  tls.onChange(() => {
    try {
      // Only new handshakes use the new context; open connections keep theirs.
      app.server.setSecureContext(secureContextOptions(tls.current()));
      logger.info('webhook serving certificate replaced');
    } catch (err) {
      logger.error({ err }, 'cannot apply the new TLS certificate; keeping the previous one');
    }
  });

  // Without the text/plain parser every non-JSON content type is refused before the body is read.
  app.removeContentTypeParser(['text/plain']);

  // A callback hook, not an async one: no promise per request for a check that almost never answers.
  app.addHook('onRequest', (request, reply, done) => {
    const contentLength = Number(request.headers['content-length']);
    if (Number.isFinite(contentLength) && contentLength > BODY_LIMIT_BYTES) {
      sendProblem(reply, bodyTooLarge(contentLength), metrics);
      return;
    }
    done();
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number; message?: string }, request, reply) => {
    const problem = describeRequestError(error, request.headers['content-type']);
    if (problem.statusCode >= 500) logger.error({ err: error, url: request.url }, 'webhook request failed');
    return sendProblem(reply, problem, metrics);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      {
        statusCode: 404,
        reason: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]}; the webhook serves POST /validate, POST /mutate and GET /report`,
      },
      metrics,
    ),
  );

  const sendSoon = createReplyBatch((err) => logger.error({ err }, 'cannot send the admission answer'));
  const answer = async (webhook: WebhookName, request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const startedAtMs = performance.now() - reply.elapsedTime;
    const deadlineAtMs = Date.now() - reply.elapsedTime + config.admission.deadlineMs;
    if (request.body === undefined) {
      const contentType = request.headers['content-type'];
      return sendProblem(
        reply,
        contentType && !contentType.toLowerCase().startsWith('application/json')
          ? describeRequestError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }, contentType)
          : { statusCode: 400, reason: 'empty', message: 'request body is empty; expected an AdmissionReview JSON object' },
        metrics,
      );
    }
    const decoded = decodeAdmissionReview(request.body);
    if (!decoded.ok) return sendProblem(reply, { statusCode: 400, reason: 'invalid_review', message: decoded.error }, metrics);
    const admission = decoded.request;

    metrics.inFlight.inc({ webhook });
    let answer: Answer;
    try {
      answer = await answerAdmission(webhook, admission, deadlineAtMs, { config, handlers, logger, metrics });
    } finally {
      metrics.inFlight.dec({ webhook });
    }
    let review: AdmissionReviewResponse;
    try {
      review = encodeAdmissionResponse(admission.uid, answer.decision);
    } catch (err) {
      // e.g. a patch that cannot be serialised: still answer, per the failure mode.
      logger.error({ err, uid: admission.uid, webhook }, 'cannot encode the admission decision');
      answer = {
        decision: failureDecision(config.admission.failureMode, { kind: 'error', error: err }),
        label: config.admission.failureMode === 'failOpen' ? 'fail_open' : 'fail_closed',
        wouldDeny: false,
        failure: `encoding failed: ${(err as Error).message}`,
      };
      review = encodeAdmissionResponse(admission.uid, answer.decision);
    }
    const durationMs = performance.now() - startedAtMs;
    metrics.duration.observe({ webhook }, durationMs / 1000);
    metrics.requests.inc({
      kind: kindLabel(admission.kind.kind),
      operation: admission.operation,
      decision: answer.label,
      dry_run: String(admission.dryRun),
    });
    for (const code of new Set(answer.decision.codes)) {
      metrics.findings.inc({ code, severity: answer.decision.severities?.[code] ?? 'unknown', decision: answer.label });
    }
    logAdmission(logger, {
      uid: admission.uid,
      webhook,
      kind: admission.kind.kind,
      namespace: admission.namespace,
      name: admission.name,
      operation: admission.operation,
      dryRun: admission.dryRun,
      decision: answer.label,
      ...(answer.wouldDeny ? { wouldDeny: true } : {}),
      durationMs: Math.round(durationMs * 10) / 10,
      codes: answer.decision.codes,
      ...(answer.failure ? { failure: answer.failure } : {}),
    });
    // Written with the other answers decided in this turn of the event loop (reply-batch.ts).
    sendSoon(() => void reply.code(200).type('application/json').send(review));
    return undefined;
  };
  // A plain handler that sends by itself: an async one returning the reply made fastify wait for the
  // response's end through stream listeners, per request.
  const handle = (webhook: WebhookName) => (request: FastifyRequest, reply: FastifyReply): void => {
    answer(webhook, request, reply).catch((err: unknown) => void reply.send(err));
  };

  app.post('/validate', handle('validate'));
  app.post('/mutate', handle('mutate'));
  registerReportRoute(app as unknown as FastifyInstance, {
    access: config.report.access,
    authorizer: opts.reportAuthorizer,
    report: opts.auditReport,
    logger,
  });
  return app;
}
