// Both apps log through the process logger but without fastify's per-request lines: the webhook
// writes its own single line per admission, and probes/scrapes would only add noise.
import { LogController } from 'fastify';
import type { Logger } from 'pino';

export function quietFastifyLogging(logger: Logger): { loggerInstance: Logger; logController: LogController } {
  return { loggerInstance: logger, logController: new LogController({ disableRequestLogging: true }) };
}
