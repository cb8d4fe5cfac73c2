// The outcome of one admission, before it is encoded as an AdmissionReview response.
// Every path — rules, deadline expiry, failure modes — produces one of these.

export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove' | 'test' | 'copy' | 'move';
  path: string;
  value?: unknown;
  from?: string;
}

export interface AdmissionDecision {
  allowed: boolean;
  /** HTTP-like status code for denials (e.g. 403 for a policy violation, 500 when a check could not run in failClosed). */
  statusCode?: number;
  /** Denial message shown after `admission webhook "..." denied the request:`. */
  message?: string;
  /** Warnings shown by kubectl as `Warning: ...` (kept within the API server's 4096-rune budget by the encoder). */
  warnings: string[];
  /** Only for /mutate. Empty or absent means no patch. */
  patch?: JsonPatchOperation[];
  /** Finding codes, for logs and metrics. */
  codes: string[];
  /** The most severe severity seen per code in `codes` (metrics label); absent where no rule ran. */
  severities?: Record<string, 'error' | 'warning' | 'info'>;
  /** Set by a handler when its rules would deny but the mode (warn/audit) admitted; logs and metrics show it. */
  wouldDeny?: boolean;
  /** Set by a handler when part of the check could not run and the failure mode decided (metrics label fail_open/fail_closed). */
  couldNotCheck?: boolean;
}
