// The validated configuration every part of the program reads. Sections owned by other modules
// (vault, kube, checks, audit) stay open objects here; their owners validate them.

export type FailureMode = 'failOpen' | 'failClosed';
/** enforce: deny broken manifests; warn: admit them with warnings; audit: admit silently, only log. */
export type AdmissionMode = 'enforce' | 'warn' | 'audit';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  port: number;
  metricsPort: number;
  host: string;
  /** After SIGTERM: keep answering admissions this long while /readyz says 503. */
  drainMs: number;
}

/** Who may GET /report (the audit's findings of every namespace) on the HTTPS port. */
export interface ReportConfig {
  access: 'disabled' | 'authenticated';
  /** Non-resource URL and verb of the SubjectAccessReview a caller must pass. */
  path: string;
  verb: string;
}

/** Who may loosen the checks of one object (skip label, mode and skip-codes annotations). */
export type ObjectOverrides = 'never' | 'namespaceGranted' | 'always';

export interface TlsConfig {
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  serviceName: string;
  namespace: string;
  extraDnsNames: string[];
}

export interface AdmissionConfig {
  deadlineMs: number;
  failureMode: FailureMode;
  mode: AdmissionMode;
  objectOverrides: ObjectOverrides;
}

export interface LogConfig {
  level: LogLevel;
}

export interface ChecksConfig {
  defaultAudiences: string[];
  /** `namespace/name` */
  controllerServiceAccount: string;
  reuseResultsMs: number;
}

export interface GuardConfig {
  server: ServerConfig;
  tls: TlsConfig;
  admission: AdmissionConfig;
  log: LogConfig;
  vault: Record<string, unknown>;
  kube: Record<string, unknown>;
  checks: ChecksConfig;
  audit: Record<string, unknown>;
  report: ReportConfig;
}

/** A partial configuration, as read from a file or given on the command line. */
export type GuardConfigInput = {
  [Section in keyof GuardConfig]?: Partial<GuardConfig[Section]>;
};
