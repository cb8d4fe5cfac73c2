// The single list of the fixed configuration options: their YAML name, environment variable,
// default, description and JSON schema. The schema, the defaults and docs/configuration.md's table are all built
// from it, so they cannot drift apart.

export type EnvValueType = 'string' | 'integer' | 'list';

export interface ConfigOption {
  /** Dotted name in the YAML file, e.g. `admission.failureMode`. */
  name: string;
  env: string;
  /** Undefined means "not set" (the option is optional). */
  default: unknown;
  description: string;
  /** How the environment variable's text is converted; `list` is comma-separated. */
  envType: EnvValueType;
  schema: Record<string, unknown>;
}

const port = { type: 'integer', minimum: 0, maximum: 65535 };

export const CONFIG_OPTIONS: readonly ConfigOption[] = [
  {
    name: 'server.port',
    env: 'ESO_GUARD_PORT',
    default: 8443,
    envType: 'integer',
    schema: port,
    description: 'HTTPS port of the admission webhook (/validate, /mutate); 0 picks a free port.',
  },
  {
    name: 'server.metricsPort',
    env: 'ESO_GUARD_METRICS_PORT',
    default: 8080,
    envType: 'integer',
    schema: port,
    description: 'Plain-HTTP port for /healthz, /readyz and /metrics; 0 picks a free port.',
  },
  {
    name: 'server.host',
    env: 'ESO_GUARD_HOST',
    default: '0.0.0.0',
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'Address both servers listen on.',
  },
  {
    name: 'server.drainMs',
    env: 'ESO_GUARD_DRAIN_MS',
    default: 5000,
    envType: 'integer',
    schema: { type: 'integer', minimum: 0, maximum: 60000 },
    description:
      'After SIGTERM, admissions are still answered this long while /readyz reports 503, so the API server stops sending before the port closes; then in-flight admissions finish and the process exits. Keep terminationGracePeriodSeconds above drainMs + admission.deadlineMs + 5 s.',
  },
  {
    name: 'tls.certFile',
    env: 'ESO_GUARD_TLS_CERT_FILE',
    default: undefined,
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'PEM serving certificate (chain); reloaded when the file changes. Unset: a self-signed CA and certificate are generated at start.',
  },
  {
    name: 'tls.keyFile',
    env: 'ESO_GUARD_TLS_KEY_FILE',
    default: undefined,
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'PEM private key of the serving certificate; required with tls.certFile.',
  },
  {
    name: 'tls.caFile',
    env: 'ESO_GUARD_TLS_CA_FILE',
    default: undefined,
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'PEM CA that signed the serving certificate, for caBundle injection.',
  },
  {
    name: 'tls.serviceName',
    env: 'ESO_GUARD_SERVICE_NAME',
    default: 'eso-vault-guard',
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'Kubernetes Service name the API server calls; used for the self-signed certificate names.',
  },
  {
    name: 'tls.namespace',
    env: 'ESO_GUARD_NAMESPACE',
    default: 'eso-vault-guard',
    envType: 'string',
    schema: { type: 'string', minLength: 1 },
    description: 'Namespace of that Service.',
  },
  {
    name: 'tls.extraDnsNames',
    env: 'ESO_GUARD_TLS_EXTRA_DNS_NAMES',
    default: [],
    envType: 'list',
    schema: { type: 'array', items: { type: 'string', minLength: 1 } },
    description: 'Additional DNS names for the self-signed certificate (comma-separated in the environment).',
  },
  {
    name: 'admission.deadlineMs',
    env: 'ESO_GUARD_DEADLINE_MS',
    default: 2500,
    envType: 'integer',
    // The API server waits at most 30 s for a webhook (timeoutSeconds ≤ 30).
    schema: { type: 'integer', minimum: 1, maximum: 29000 },
    description: 'Time budget of one admission; when it runs out the failure mode decides.',
  },
  {
    name: 'admission.failureMode',
    env: 'ESO_GUARD_FAILURE_MODE',
    default: 'failOpen',
    envType: 'string',
    schema: { type: 'string', enum: ['failOpen', 'failClosed'] },
    description: 'What to answer when checks cannot complete (deadline, internal error): failOpen admits with a warning, failClosed denies.',
  },
  {
    name: 'admission.mode',
    env: 'ESO_GUARD_MODE',
    default: 'enforce',
    envType: 'string',
    schema: { type: 'string', enum: ['enforce', 'warn', 'audit'] },
    description:
      'Global default: enforce denies broken manifests; warn admits them with warnings; audit admits them silently and only logs. The namespace label eso-vault-guard.io/mode overrides it, and the object annotation of the same name as admission.objectOverrides allows.',
  },
  {
    name: 'admission.objectOverrides',
    env: 'ESO_GUARD_OBJECT_OVERRIDES',
    default: 'namespaceGranted',
    envType: 'string',
    schema: { type: 'string', enum: ['never', 'namespaceGranted', 'always'] },
    description:
      "Whether an object's own label eso-vault-guard.io/skip=true and annotations eso-vault-guard.io/mode (a looser mode) and eso-vault-guard.io/skip-codes are honoured: never; namespaceGranted (only in namespaces labelled eso-vault-guard.io/object-overrides=allowed, and on cluster-scoped objects); always (any author may opt out). A stricter mode annotation is always honoured.",
  },
  {
    name: 'checks.defaultAudiences',
    env: 'ESO_GUARD_DEFAULT_AUDIENCES',
    default: ['https://kubernetes.default.svc.cluster.local'],
    envType: 'list',
    schema: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    description:
      "The audiences the API server puts into a ServiceAccount token requested without audiences (its --api-audiences; the issuer URL by default, e.g. https://kubernetes.default.svc on EKS). Role audience checks compare against them when a store names no audiences.",
  },
  {
    name: 'checks.controllerServiceAccount',
    env: 'ESO_GUARD_CONTROLLER_SERVICE_ACCOUNT',
    default: 'external-secrets/external-secrets',
    envType: 'string',
    schema: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
    description:
      "namespace/name of ESO's controller ServiceAccount: the identity a ClusterSecretStore's kubernetes/jwt auth presents when it names no serviceAccountRef.",
  },
  {
    name: 'checks.reuseResultsMs',
    env: 'ESO_GUARD_REUSE_RESULTS_MS',
    default: 2000,
    envType: 'integer',
    schema: { type: 'integer', minimum: 0, maximum: 60000 },
    description:
      "An ExternalSecret identical to one checked this recently (same spec, same stores, same namespace labels) gets the same verdict without asking Vault again (Argo CD's dry-run and apply, refreshes). Never for results that could not be fully checked. 0 checks every admission afresh.",
  },
  {
    name: 'report.access',
    env: 'ESO_GUARD_REPORT_ACCESS',
    default: 'authenticated',
    envType: 'string',
    schema: { type: 'string', enum: ['disabled', 'authenticated'] },
    description:
      "GET /report (the audit's findings in every namespace) on the HTTPS port: authenticated serves it to callers whose bearer token passes a TokenReview and a SubjectAccessReview of report.verb on report.path; disabled serves it to nobody. Never served on the plain-HTTP port.",
  },
  {
    name: 'report.path',
    env: 'ESO_GUARD_REPORT_PATH',
    default: '/eso-vault-guard/report',
    envType: 'string',
    schema: { type: 'string', pattern: '^/[^\\s*]*$' },
    description: 'Non-resource URL the SubjectAccessReview for GET /report asks about (grant it with a ClusterRole rule nonResourceURLs).',
  },
  {
    name: 'report.verb',
    env: 'ESO_GUARD_REPORT_VERB',
    default: 'get',
    envType: 'string',
    schema: { type: 'string', pattern: '^[a-z]+$' },
    description: 'Verb of that SubjectAccessReview.',
  },
  {
    name: 'log.level',
    env: 'ESO_GUARD_LOG_LEVEL',
    default: 'info',
    envType: 'string',
    schema: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    description: 'Log level of the JSON logs on stdout.',
  },
];

/** Sections whose content other modules validate; here they only have to be objects. */
export const OPEN_SECTIONS = ['vault', 'kube', 'audit'] as const;

/** Environment variable naming the YAML configuration file. */
export const CONFIG_FILE_ENV = 'ESO_GUARD_CONFIG';

/** Rows for docs/configuration.md: one per option, the default shown as YAML-ish text. */
export function configOptionsTable(): { name: string; env: string; default: string; description: string }[] {
  return CONFIG_OPTIONS.map((o) => ({
    name: o.name,
    env: o.env,
    default: o.default === undefined ? '' : Array.isArray(o.default) ? JSON.stringify(o.default) : String(o.default),
    description: o.description,
  }));
}

/** The same table as Markdown, for docs/configuration.md (npm run docs). */
export function configOptionsMarkdown(): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const rows = configOptionsTable().map(
    (row) => `| \`${row.name}\` | \`${row.env}\` | ${row.default === '' ? '' : `\`${escape(row.default)}\``} | ${escape(row.description)} |`,
  );
  return ['| Option | Environment variable | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
