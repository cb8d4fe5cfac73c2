// A finding is what a rule concludes about one field of one resource.
// Codes are stable API (documented in docs/finding-codes.md); messages are for people running kubectl.

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
  'TokenReviewNotPermitted',
  'InsecureVaultAddress',
  'VaultCertificateNotTrusted',
  'VaultCertificateHostMismatch',
  'InvalidCABundle',
  'InvalidCAProvider',
  'CAProviderNotFound',
  'CAExpiring',
  'InvalidMountPath',
  'VaultUnavailable',
  'NotVerifiable',
  'MalformedReference',
  'NotChecked',
  'InvalidSelector',
  'SecretKeyInvalid',
  'TemplateKeyNotFound',
  'TemplateSourceNotFound',
  'SecretNotManaged',
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
  /** The one certain edit that fixes it, applied by `eso-vault-guard fix`; set only when the hint already names it. */
  fix?: FieldFix;
}

/**
 * A value to set in the checked object itself: never a guess among several candidates, and never
 * more than the finding's own text reveals (the hint names the same value).
 */
export interface FieldFix {
  /** Field path in the object, in the finding's notation (`spec.secretStoreRef.kind`); created when absent. */
  field: string;
  value: string;
}

/** One line per code, for docs/finding-codes.md and the SARIF rules. */
export const FINDING_SUMMARIES: Record<FindingCode, string> = {
  StoreNotFound: 'The referenced SecretStore/ClusterSecretStore does not exist (an omitted kind means SecretStore).',
  StoreNamespaceNotAllowed: "The ClusterSecretStore's spec.conditions do not admit the ExternalSecret's namespace.",
  StoreOutOfScope: 'The reference uses a non-Vault store; it is left alone (logged, not shown).',
  MountNotFound: 'No KV mount serves the path ESO builds from the store path and key.',
  KVVersionMismatch: "The store's version (v1/v2) does not match the KV mount's version.",
  SecretNotFound: 'The secret ESO reads does not exist (shown only when the store may read the path).',
  SecretVersionNotFound: 'The pinned remoteRef.version does not exist.',
  SecretDeleted: 'The version ESO reads is soft-deleted or destroyed.',
  PropertyNotFound: 'remoteRef.property does not resolve in the secret (ESO semantics), with "did you mean".',
  PolicyDenied: "The store's role policies do not grant what ESO's request needs; names the deciding rule and the stanza to add.",
  AuthMountNotFound: 'No auth method is enabled at the store\'s auth mount path.',
  AuthMountTypeMismatch: 'The auth mount is of another type than the store\'s auth method.',
  RoleNotFound: 'The Vault role was not found at the auth mount (or the store cannot see it), or its name is one no Vault role can have.',
  RoleBindingMismatch: 'The role rejects the identity ESO presents (ServiceAccount name/namespace, audience, JWT claims).',
  TokenReviewNotPermitted:
    "Kubernetes auth in client-JWT mode (no token_reviewer_jwt, disable_local_ca_jwt = true): the API server says the ServiceAccount ESO logs in as may not create tokenreviews (no system:auth-delegator), so Vault's TokenReview and ESO's login fail (403 permission denied).",
  InsecureVaultAddress: 'The Vault server is plain http://.',
  VaultCertificateNotTrusted:
    'ESO\'s CA set (caBundle, caProvider, or its image\'s system roots) does not verify the chain Vault presents ("x509: certificate signed by unknown authority"); the fix names the CA to trust by subject and SHA-256 fingerprint.',
  VaultCertificateHostMismatch: 'The host of spec.provider.vault.server is not in the SANs of Vault\'s certificate ("x509: certificate is valid for …, not …").',
  InvalidCABundle: 'caBundle (or the PEM under a caProvider key) holds no certificate ESO can use, e.g. PEM text where the CRD wants base64 (external-secrets#3978).',
  InvalidCAProvider: 'ESO rejects the caProvider reference itself (a ClusterSecretStore without caProvider.namespace, a foreign namespace in a SecretStore).',
  CAProviderNotFound: 'The caProvider ConfigMap/Secret or its key does not exist.',
  CAExpiring: 'A CA in caBundle/caProvider has expired or expires within 14 days.',
  InvalidMountPath: 'The auth mountPath looks like a file path (e.g. the ServiceAccount token path).',
  VaultUnavailable: 'Vault could not be asked (down, sealed, timed out, not configured); failOpen/failClosed decides.',
  NotVerifiable: 'Something cannot be checked without a credential or a secret value the webhook must not read, or names a Vault path the webhook does not request.',
  MalformedReference: 'A reference ESO rejects before reading (e.g. metadataPolicy Fetch on KV v1).',
  InvalidSelector: 'A label selector ESO cannot convert (metav1.LabelSelectorAsSelector: label key/value syntax, operator, values); ESO\'s namespace check fails.',
  SecretKeyInvalid: 'A dataFrom entry produces Secret keys ESO refuses (collision after conversion, invalid character after rewrite) or the API server refuses (Unicode letters).',
  TemplateKeyNotFound: 'target.template reads a key the ExternalSecret does not produce (ESO renders with missingkey=error), with "did you mean".',
  TemplateSourceNotFound: "A target.template.templateFrom ConfigMap, or an item key in its data, does not exist in the ExternalSecret's namespace.",
  SecretNotManaged: 'A PushSecret would overwrite an existing Vault secret without ESO\'s managed-by marker; ESO refuses ("secret not managed by external-secrets"). Shown only when the store may read the metadata.',
  NotChecked: 'An ESO object of a kind or API version the checks do not judge: counted and listed as skipped, never reported clean.',
};
