// Public entry of the background audit (issue 8): re-runs the admission checks on what already
// runs in the cluster, while this replica holds the audit Lease.
export { createAudit, AuditNotReadyError, type Audit, type AuditOptions } from './audit.js';
export { AUDIT_CONFIG_DEFAULTS, type AuditSectionConfig } from './config.js';
export type { Report } from '../report/report.js';
