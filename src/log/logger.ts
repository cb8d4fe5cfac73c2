// JSON logs (pino) on stdout, with credential-bearing fields redacted.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from '../config/types.js';
import { REDACTED, redactionPaths } from './redact.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout when absent (tests pass a stream to read the lines back). */
  destination?: DestinationStream;
  name?: string;
}

// pino's isoTime, built once per millisecond: a busy webhook writes several lines per millisecond,
// and a Date and its ISO text per line were a visible part of each admission's cost.
let lastMs = -1;
let lastTime = '';
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'eso-vault-guard',
      level: options.level ?? 'info',
      redact: { paths: redactionPaths(), censor: REDACTED },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything, for library callers and tests that do not read logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
