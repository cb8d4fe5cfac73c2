// The one log line written per admission. It carries identifiers and the outcome, never the object.
import type { Logger } from 'pino';

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

export function logAdmission(logger: Logger, record: AdmissionLogRecord): void {
  const level = record.failure ? 'warn' : 'info';
  logger[level]({ ...record }, `admission ${record.webhook} ${record.decision}`);
}
