// The sections of the configuration that the webhook server itself reads: server, tls, admission,
// checks, report, log. Each option's default, environment variable (`env`) and description live
// here, beside its JSON schema.

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const text = { type: 'string', minLength: 1 } as const;

export const serverSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'The HTTPS webhook and the plain-HTTP health and metrics server.',
  properties: {
    port: { ...port, default: 8443, env: 'ESO_GUARD_PORT', description: 'HTTPS port of the admission webhook (/validate, /mutate); 0 picks a free port.' },
    metricsPort: { ...port, default: 8080, env: 'ESO_GUARD_METRICS_PORT', description: 'Plain-HTTP port for /healthz, /readyz and /metrics; 0 picks a free port.' },
    host: { ...text, default: '0.0.0.0', env: 'ESO_GUARD_HOST', description: 'Address both servers listen on.' },
    drainMs: {
      type: 'integer',
      minimum: 0,
      maximum: 60000,
      default: 5000,
      env: 'ESO_GUARD_DRAIN_MS',
      description:
        'After SIGTERM, admissions are still answered this long while /readyz reports 503, so the API server stops sending before the port closes; then in-flight admissions finish and the process exits. Keep terminationGracePeriodSeconds above drainMs + admission.deadlineMs + 5 s.',
    },
  },
} as const;

export const tlsSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'The serving certificate.',
  // A certificate without its key (or the reverse) cannot serve; say so at start.
  dependencies: { certFile: ['keyFile'], keyFile: ['certFile'] },
  properties: {
    certFile: {
      ...text,
      env: 'ESO_GUARD_TLS_CERT_FILE',
      description: 'PEM serving certificate (chain); reloaded when the file changes. Unset: a self-signed CA and certificate are generated at start.',
    },
    keyFile: { ...text, env: 'ESO_GUARD_TLS_KEY_FILE', description: 'PEM private key of the serving certificate; required with tls.certFile.' },
    caFile: { ...text, env: 'ESO_GUARD_TLS_CA_FILE', description: 'PEM CA that signed the serving certificate, for caBundle injection.' },
    serviceName: {
      ...text,
      default: 'eso-vault-guard',
      env: 'ESO_GUARD_SERVICE_NAME',
      description: 'Kubernetes Service name the API server calls; used for the self-signed certificate names.',
    },
    namespace: { ...text, default: 'eso-vault-guard', env: 'ESO_GUARD_NAMESPACE', description: 'Namespace of that Service.' },
    extraDnsNames: {
      type: 'array',
      items: text,
      default: [],
      env: 'ESO_GUARD_TLS_EXTRA_DNS_NAMES',
      description: 'Additional DNS names for the self-signed certificate (comma-separated in the environment).',
    },
  },
} as const;

export const admissionSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'How admissions are answered.',
  properties: {
    deadlineMs: {
      type: 'integer',
      minimum: 1,
      // The API server waits at most 30 s for a webhook (timeoutSeconds ≤ 30).
      maximum: 29000,
      default: 2500,
      env: 'ESO_GUARD_DEADLINE_MS',
      description: 'Time budget of one admission; when it runs out the failure mode decides.',
    },
    failureMode: {
      type: 'string',
      enum: ['failOpen', 'failClosed'],
      default: 'failOpen',
      env: 'ESO_GUARD_FAILURE_MODE',
      description: 'What to answer when checks cannot complete (deadline, internal error): failOpen admits with a warning, failClosed denies.',
    },
    mode: {
      type: 'string',
      enum: ['enforce', 'warn', 'audit'],
      default: 'enforce',
      env: 'ESO_GUARD_MODE',
      description:
        'Global default: enforce denies broken manifests; warn admits them with warnings; audit admits them silently and only logs. The namespace label eso-vault-guard.io/mode overrides it, and the object annotation of the same name as admission.objectOverrides allows.',
    },
    objectOverrides: {
      type: 'string',
      enum: ['never', 'namespaceGranted', 'always'],
      default: 'namespaceGranted',
      env: 'ESO_GUARD_OBJECT_OVERRIDES',
      description:
        "Whether an object's own label eso-vault-guard.io/skip=true and annotations eso-vault-guard.io/mode (a looser mode) and eso-vault-guard.io/skip-codes are honoured: never; namespaceGranted (only in namespaces labelled eso-vault-guard.io/object-overrides=allowed, and on cluster-scoped objects); always (any author may opt out). A stricter mode annotation is always honoured.",
    },
  },
} as const;

export const checksSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Facts about the cluster the checks assume.',
  properties: {
    defaultAudiences: {
      type: 'array',
      minItems: 1,
      items: text,
      default: ['https://kubernetes.default.svc.cluster.local'],
      env: 'ESO_GUARD_DEFAULT_AUDIENCES',
      description:
        'The audiences the API server puts into a ServiceAccount token requested without audiences (its --api-audiences; the issuer URL by default, e.g. https://kubernetes.default.svc on EKS). Role audience checks compare against them when a store names no audiences.',
    },
    controllerServiceAccount: {
      type: 'string',
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
      default: 'external-secrets/external-secrets',
      env: 'ESO_GUARD_CONTROLLER_SERVICE_ACCOUNT',
      description:
        "namespace/name of ESO's controller ServiceAccount: the identity a ClusterSecretStore's kubernetes/jwt auth presents when it names no serviceAccountRef.",
    },
    templateLeftDelimiter: {
      type: 'string',
      minLength: 1,
      default: '{{',
      env: 'ESO_GUARD_TEMPLATE_LEFT_DELIMITER',
      description:
        "The left action delimiter ESO's controller renders target.template with: its --template-left-delimiter flag (runtime/template/v2). Set both delimiters as ESO runs, or a template such as `<< .password >>` is not read as one (and `{{ .x }}` is read as an action ESO leaves as text).",
    },
    templateRightDelimiter: {
      type: 'string',
      minLength: 1,
      default: '}}',
      env: 'ESO_GUARD_TEMPLATE_RIGHT_DELIMITER',
      description: "The right action delimiter: ESO's --template-right-delimiter flag.",
    },
    reuseResultsMs: {
      type: 'integer',
      minimum: 0,
      maximum: 60000,
      default: 2000,
      env: 'ESO_GUARD_REUSE_RESULTS_MS',
      description:
        "An ExternalSecret identical to one checked this recently (same spec, same stores, same namespace labels) gets the same verdict without asking Vault again (Argo CD's dry-run and apply, refreshes). Never for results that could not be fully checked. 0 checks every admission afresh.",
    },
  },
} as const;

export const reportSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Who may read the audit report (GET /report).',
  properties: {
    access: {
      type: 'string',
      enum: ['disabled', 'authenticated'],
      default: 'authenticated',
      env: 'ESO_GUARD_REPORT_ACCESS',
      description:
        'GET /report (the audit\'s findings in every namespace) on the HTTPS port: authenticated serves it to callers whose bearer token passes a TokenReview and a SubjectAccessReview of report.verb on report.path; disabled serves it to nobody. Never served on the plain-HTTP port.',
    },
    path: {
      type: 'string',
      pattern: '^/[^\\s*]*$',
      default: '/eso-vault-guard/report',
      env: 'ESO_GUARD_REPORT_PATH',
      description: 'Non-resource URL the SubjectAccessReview for GET /report asks about (grant it with a ClusterRole rule nonResourceURLs).',
    },
    verb: { type: 'string', pattern: '^[a-z]+$', default: 'get', env: 'ESO_GUARD_REPORT_VERB', description: 'Verb of that SubjectAccessReview.' },
  },
} as const;

export const logSection = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Logging.',
  properties: {
    level: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'ESO_GUARD_LOG_LEVEL',
      description: 'Log level of the JSON logs on stdout.',
    },
  },
} as const;
