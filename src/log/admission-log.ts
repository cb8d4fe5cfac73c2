// The one log line written per admission. It carries identifiers and the outcome, never the object.
import type { Logger } from 'pino';
import { REDACTED, topLevelRedactionPaths } from './redact.js';

export interface AdmissionLogRecord {
  uid: string;
  webhook: 'validate' | 'mutate';
  kind: string;
  namespace?: string;
  name?: string;
  operation: string;
  dryRun: boolean;
  /** allowed | denied | would_deny | fail_open | fail_closed (same values as the metrics label). */
  decision: string;
  /** True when the rules would deny but the mode (warn/audit) admitted. */
  wouldDeny?: boolean;
  durationMs: number;
  codes: string[];
  /** Why the failure mode answered (deadline, handler error), when it did. */
  failure?: string;
}

// The logger's redaction (credential keys at every depth: 84 wildcard paths) costs about 0.1 ms per
// line, more than the rest of an admission. This record is flat (names, labels, numbers, a list of
// codes), so a credential key can only be at its top level: its lines go through a child of the same
// logger (same stream, level and bindings) that redacts those keys at the top level only.
const admissionLoggers = new WeakMap<Logger, Logger>();

function admissionLogger(logger: Logger): Logger {
  let child = admissionLoggers.get(logger);
  if (!child) admissionLoggers.set(logger, (child = logger.child({}, { redact: { paths: topLevelRedactionPaths(), censor: REDACTED } })));
  return child;
}

export function logAdmission(logger: Logger, record: AdmissionLogRecord): void {
  const level = record.failure ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  admissionLogger(logger)[level]({ ...record }, `admission ${record.webhook} ${record.decision}`);
}
