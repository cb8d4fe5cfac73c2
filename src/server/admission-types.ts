// Shapes of admission.k8s.io/v1 AdmissionReview as the API server sends and expects it, and the
// contract between the HTTP layer and whatever decides (the rules, injected as handlers).
import type { AdmissionDecision } from './decision.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_REVIEW_KIND = 'AdmissionReview';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface AdmissionUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** `request` of an AdmissionReview, with absent optional fields normalised (dryRun false, userInfo {}). */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo: AdmissionUserInfo;
  /** The object as it will be stored (absent for DELETE). */
  object?: unknown;
  /** The stored object before an UPDATE or DELETE. */
  oldObject?: unknown;
  dryRun: boolean;
  /** CreateOptions / UpdateOptions / DeleteOptions. */
  options?: unknown;
}

export interface AdmissionReviewRequest {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_REVIEW_KIND;
  request: AdmissionRequest;
}

export interface AdmissionResponseStatus {
  code: number;
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionResponseStatus;
  warnings?: string[];
  patchType?: 'JSONPatch';
  /** base64 of the JSON Patch document. */
  patch?: string;
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_REVIEW_KIND;
  response: AdmissionResponse;
}

export interface AdmissionHandlerContext {
  /** Epoch milliseconds by which the handler must have answered; after it the failure mode answers. */
  deadlineAtMs: number;
  /** Aborted when the deadline passes, so pending Vault/Kubernetes calls can stop. */
  signal: AbortSignal;
}

export type AdmissionHandler = (request: AdmissionRequest, ctx: AdmissionHandlerContext) => Promise<AdmissionDecision>;

export interface AdmissionHandlers {
  validate: AdmissionHandler;
  mutate: AdmissionHandler;
}

export type WebhookName = keyof AdmissionHandlers;

export interface ReadinessStatus {
  ready: boolean;
  /** Why not ready, for the /readyz body. */
  reason?: string;
}

export interface ReadinessCheck {
  /** Short name shown in /readyz, e.g. `vault`, `informers`. */
  name: string;
  /**
   * Reported in /readyz's body and the readiness metric, but never makes the pod unready: a
   * dependency the failure mode already covers (Vault). An unready pod loses its endpoints, and then
   * the API server's failurePolicy decides instead of the webhook.
   */
  informational?: boolean;
  check(): ReadinessStatus | Promise<ReadinessStatus>;
}

/** Until rules exist: admit everything and patch nothing. */
export const defaultHandlers: AdmissionHandlers = {
  validate: async () => ({ allowed: true, warnings: [], codes: [] }),
  mutate: async () => ({ allowed: true, warnings: [], codes: [] }),
};
