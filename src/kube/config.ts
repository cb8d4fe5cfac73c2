// The `kube` section of the configuration file: names the webhook uses in its own namespace.
// Self-signed bootstrap and caBundle patching run only when tls.certFile is unset (cert-manager
// mounts files and injects the CA itself).

export interface KubeSectionConfig {
  /** Secret holding the shared self-signed CA and serving certificate. */
  tlsSecretName: string;
  validatingWebhookConfiguration: string;
  mutatingWebhookConfiguration: string;
  /** Lease for the background audit's leader election. */
  leaseName: string;
  /** Full relist period of the informers. */
  resyncMs: number;
  /** How often the caBundle and the shared certificate are checked. */
  caBundleCheckIntervalMs: number;
  certificatePollMs: number;
  leaseDurationMs: number;
  leaseRenewMs: number;
  /** Read caProvider ConfigMaps to check a store's CA (needs get on configmaps). */
  caProviderConfigMaps: boolean;
  /** Read caProvider Secrets too (needs get on secrets; off unless the operator grants it). */
  caProviderSecrets: boolean;
  /** Read the target.template.templateFrom ConfigMap an ExternalSecret names, in its own namespace (needs get on configmaps). */
  templateConfigMaps: boolean;
}

export const KUBE_CONFIG_DEFAULTS: KubeSectionConfig = {
  tlsSecretName: 'eso-vault-guard-tls',
  validatingWebhookConfiguration: 'eso-vault-guard',
  mutatingWebhookConfiguration: 'eso-vault-guard',
  leaseName: 'eso-vault-guard-audit',
  resyncMs: 600_000,
  caBundleCheckIntervalMs: 30_000,
  certificatePollMs: 60_000,
  leaseDurationMs: 15_000,
  leaseRenewMs: 5_000,
  caProviderConfigMaps: true,
  caProviderSecrets: false,
  templateConfigMaps: true,
};

const name = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' };
const ms = { type: 'integer', minimum: 100 };

/** ajv JSON schema of the section (all fields optional; defaults above). */
export const kubeConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tlsSecretName: name,
    validatingWebhookConfiguration: name,
    mutatingWebhookConfiguration: name,
    leaseName: name,
    resyncMs: ms,
    caBundleCheckIntervalMs: ms,
    certificatePollMs: ms,
    leaseDurationMs: ms,
    leaseRenewMs: ms,
    caProviderConfigMaps: { type: 'boolean' },
    caProviderSecrets: { type: 'boolean' },
    templateConfigMaps: { type: 'boolean' },
  },
} as const;

export function withKubeDefaults(section: Record<string, unknown> | undefined): KubeSectionConfig {
  return { ...KUBE_CONFIG_DEFAULTS, ...(section ?? {}) } as KubeSectionConfig;
}
