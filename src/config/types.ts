// The validated configuration every part of the program reads: the types of what the schema
// (schema.ts) accepts, with defaults filled in.
import type { Infer } from './infer.js';
import type { configSchema } from './schema.js';

export type GuardConfig = Infer<typeof configSchema>;

export type ServerConfig = GuardConfig['server'];
export type TlsConfig = GuardConfig['tls'];
export type AdmissionConfig = GuardConfig['admission'];
export type ChecksConfig = GuardConfig['checks'];
/** Who may GET /report (the audit's findings of every namespace) on the HTTPS port. */
export type ReportConfig = GuardConfig['report'];
export type LogConfig = GuardConfig['log'];
export type VaultSectionConfig = GuardConfig['vault'];
export type KubeSectionConfig = GuardConfig['kube'];
export type AuditSectionConfig = GuardConfig['audit'];

export type FailureMode = AdmissionConfig['failureMode'];
/** enforce: deny broken manifests; warn: admit them with warnings; audit: admit silently, only log. */
export type AdmissionMode = AdmissionConfig['mode'];
/** Who may loosen the checks of one object (skip label, mode and skip-codes annotations). */
export type ObjectOverrides = AdmissionConfig['objectOverrides'];
export type LogLevel = LogConfig['level'];

type DeepPartial<T> = T extends (infer E)[] ? DeepPartial<E>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A partial configuration, as read from a file or given on the command line. */
export type GuardConfigInput = DeepPartial<GuardConfig>;
