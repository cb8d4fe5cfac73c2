// Both apps log through the process logger but without fastify's per-request lines: the webhook
// writes its own single line per admission, and probes/scrapes would only add noise.
import { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';

export function quietFastifyLogging(logger: Logger): {
  loggerInstance: Logger;
  logController: LogController;
  childLoggerFactory: (logger: FastifyBaseLogger) => FastifyBaseLogger;
} {
  return {
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: building one (its bindings through the logger's redaction) cost
    // more than decoding the AdmissionReview, for lines fastify no longer writes. The rare line
    // fastify still writes for a request (a server error) goes through the process logger as is.
    childLoggerFactory: (parent) => parent,
  };
}
