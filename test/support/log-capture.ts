// A debug-level product logger whose JSON lines are kept in memory, for tests that assert logs.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log/logger.js';

export function captureLogs(): { logger: Logger; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), logs };
}
