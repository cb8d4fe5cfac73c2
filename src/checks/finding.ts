// A finding is what a rule concludes about one field of one resource.
// Codes are stable API (documented in README); messages are for people running kubectl.

export type Severity = 'error' | 'warning' | 'info';

export const FINDING_CODES = [
  'StoreNotFound',
  'StoreNamespaceNotAllowed',
  'StoreOutOfScope',
  'MountNotFound',
  'KVVersionMismatch',
  'SecretNotFound',
  'SecretVersionNotFound',
  'SecretDeleted',
  'PropertyNotFound',
  'PolicyDenied',
  'AuthMountNotFound',
  'AuthMountTypeMismatch',
  'RoleNotFound',
  'RoleBindingMismatch',
  'InsecureVaultAddress',
  'InvalidMountPath',
  'VaultUnavailable',
  'NotVerifiable',
  'MalformedReference',
  'Defaulted',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Field path in the object, e.g. `spec.data[1].remoteRef.property`. */
  field: string;
  /** What was expected and what was found, in one sentence a person can act on. */
  message: string;
  /** How to fix it (may be empty). */
  hint?: string;
}
