// GET /report on the HTTPS webhook port: the background audit's findings of every team, so only for
// callers the cluster authorises (report.access: authenticated, the default) or for nobody
// (disabled). Never on the plain-HTTP health port, where a bearer token would travel in clear.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export type ReportAccess = 'disabled' | 'authenticated';

export type RequestAuthDecision =
  | { status: 'allowed'; user: string }
  | { status: 'unauthenticated'; reason: string }
  | { status: 'forbidden'; user: string; reason: string }
  | { status: 'unavailable'; reason: string };

/** Decides a request from its Authorization header (src/kube/request-auth.ts: TokenReview + SubjectAccessReview). */
export interface RequestAuthorizer {
  /** `authorization` is the request's Authorization header; never rejects. */
  authorize(authorization: string | undefined): Promise<RequestAuthDecision>;
}

export interface ReportRouteOptions {
  access: ReportAccess;
  /** Undefined without a Kubernetes API: nobody can be authorised, so the report is not served. */
  authorizer: RequestAuthorizer | undefined;
  /** The latest report; undefined when this replica has none (no audit, no pass yet, not the leader). */
  report: (() => unknown) | undefined;
  logger: Logger;
}

export function registerReportRoute(app: FastifyInstance, opts: ReportRouteOptions): void {
  app.get('/report', async (request, reply) => {
    const send = (code: number, body: unknown) => reply.code(code).type('application/json').send(body);
    if (opts.access === 'disabled') return send(404, { error: 'the audit report is not served (report.access: disabled)' });
    if (!opts.authorizer) return send(503, { error: 'the audit report needs the Kubernetes API to authenticate callers, and there is none' });
    const decision = await opts.authorizer.authorize(request.headers.authorization);
    switch (decision.status) {
      case 'unauthenticated':
        void reply.header('www-authenticate', 'Bearer');
        return send(401, { error: `unauthenticated: ${decision.reason}` });
      case 'forbidden':
        opts.logger.info({ user: decision.user }, 'audit report refused');
        return send(403, { error: `forbidden: ${decision.reason}` });
      case 'unavailable':
        return send(503, { error: decision.reason });
      case 'allowed': {
        const report = opts.report?.();
        if (report === undefined) {
          return send(404, { error: 'no audit report on this replica: the audit is disabled, has not finished a pass yet, or another replica holds the audit Lease' });
        }
        return send(200, report);
      }
    }
  });
}
