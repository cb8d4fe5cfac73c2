// Public entry of the server module.
export * from './admission-types.js';
export type { AdmissionDecision, JsonPatchOperation } from './decision.js';
export { createAdmissionServer, type AdmissionServer, type AdmissionServerOptions } from './webhook-app.js';
export { createHealthServer, readinessReport, type HealthServerOptions, type ReadinessReport } from './health-app.js';
export { startServers, type RunningServers } from './start.js';
export { createMetricsRegistry, admissionMetrics, type AdmissionMetrics, type AdmissionDecisionLabel } from './metrics.js';
export { encodeAdmissionResponse, DEFAULT_DENIAL_CODE } from './encode.js';
export { fitWarnings, toSingleLine, moreFindingsLine, WARNING_BUDGET_RUNES, WARNING_ITEM_MAX_RUNES } from './warnings.js';
export { failureDecision, type FailureCause } from './failure.js';
export { runWithDeadline, DeadlineExceededError, type HandlerOutcome } from './deadline.js';
export { decodeAdmissionReview, type DecodeResult } from './review-schema.js';
export { BODY_LIMIT_BYTES } from './request-errors.js';
export { checkKeyPair, secureContextOptions, TLS_CIPHERS, TLS_MIN_VERSION, type TlsSource, type TlsMaterial, type CertificateSummary } from './tls/source.js';
export { fileTlsSource, TlsLoadError, type FileTlsSourceOptions } from './tls/file-source.js';
export { selfSignedTlsSource, serviceDnsNames, type SelfSignedTlsOptions } from './tls/self-signed.js';
export { tlsSourceFromConfig } from './tls/from-config.js';
