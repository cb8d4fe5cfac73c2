// Public entry of the Kubernetes module.
export type { RawKubeObject, StoreKind } from './types.js';
export { createKubeState, type KubeState, type KubeStateOptions } from './state.js';
export { detectEsoVersion, ESO_GROUP, ESO_VERSIONS, type EsoVersion } from './eso-version.js';
export type { BackoffOptions } from '../retry/backoff.js';
export {
  bootstrapSharedCertificate, watchSharedCertificate, sharedCertificateTlsSource, startCaBundleInjector, webhookDnsNames,
  type SharedCertificate, type SharedCertificateOptions, type SharedCertificateWatcher, type CaBundleInjector, type CaBundleInjectorOptions,
} from './ca-bundle.js';
export { createEventRecorder, EVENT_MESSAGE_MAX_CHARS, type EventRecorder, type EventRecorderOptions, type InvolvedObject, type EventType } from './events.js';
export { createLeaderElector, type LeaderElector, type LeaderElectorOptions } from './leader.js';
export { KUBE_CONFIG_DEFAULTS, type KubeSectionConfig } from './config.js';
export { startKube, loadKubeConfig, kubeConfigFor, type StartKubeOptions, type KubeRuntime } from './runtime.js';
export { createClusterStoreLookup, createDetachedStoreLookup, type ClusterStoreLookup, type ClusterStoreLookupOptions } from './store-lookup.js';
export { createKubeCaSources, type KubeCaSourceOptions } from './ca-source.js';
export { createKubeTokenReviewAccess, tokenReviewAccessReview, DEFAULT_TOKEN_REVIEW_ACCESS_TTL_MS, type KubeTokenReviewAccessOptions } from './token-review-access.js';
