// The `kube` section: names the webhook uses in its own namespace and its Kubernetes timings.
// Self-signed bootstrap and caBundle patching run only when tls.certFile is unset (cert-manager
// mounts files and injects the CA itself).

const name = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' } as const;
const ms = { type: 'integer', minimum: 100 } as const;

export const kubeSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: "Names in the webhook's own namespace and Kubernetes timings.",
  properties: {
    tlsSecretName: { ...name, default: 'eso-vault-guard-tls', description: 'Secret holding the shared self-signed CA and serving certificate.' },
    validatingWebhookConfiguration: { ...name, default: 'eso-vault-guard', description: 'ValidatingWebhookConfiguration whose caBundle is kept current.' },
    mutatingWebhookConfiguration: { ...name, default: 'eso-vault-guard', description: 'MutatingWebhookConfiguration whose caBundle is kept current.' },
    leaseName: { ...name, default: 'eso-vault-guard-audit', description: "Lease of the background audit's leader election." },
    resyncMs: { ...ms, default: 600000, description: 'Full relist period of the informers.' },
    caBundleCheckIntervalMs: { ...ms, default: 30000, description: 'How often the caBundle is checked.' },
    certificatePollMs: { ...ms, default: 60000, description: 'How often the shared certificate is checked.' },
    leaseDurationMs: { ...ms, default: 15000, description: 'How long the audit Lease stays valid without renewal.' },
    leaseRenewMs: { ...ms, default: 5000, description: 'How often the audit Lease is renewed or tried.' },
    caProviderConfigMaps: { type: 'boolean', default: true, description: "Read caProvider ConfigMaps to check a store's CA (needs get on configmaps; docs/tls-trust.md)." },
    caProviderSecrets: { type: 'boolean', default: false, description: 'Read caProvider Secrets too (needs get on secrets; off unless the operator grants it).' },
    templateConfigMaps: {
      type: 'boolean',
      default: true,
      description: 'Read the target.template.templateFrom ConfigMap an ExternalSecret names, in its own namespace (needs get on configmaps; docs/templates.md).',
    },
  },
} as const;
