export { createLogger, silentLogger, type Logger, type CreateLoggerOptions } from './logger.js';
export { redactionPaths, CREDENTIAL_KEYS, REDACTED } from './redact.js';
export { logAdmission, type AdmissionLogRecord } from './admission-log.js';
