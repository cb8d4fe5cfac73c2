// Whether a ServiceAccount may create tokenreviews.authentication.k8s.io, as the API server answers
// a SubjectAccessReview (server and `check --stores-from cluster`), or nobody to ask (`check` alone).
// Needed for Kubernetes auth in client-JWT mode, where Vault reviews ESO's token with that token.

export type TokenReviewPermission =
  | { status: 'allowed' }
  | { status: 'denied' }
  /** The API server could not answer (error, timeout, the webhook may not ask): never a verdict. */
  | { status: 'unavailable'; detail: string };

export interface TokenReviewAccess {
  canCreateTokenReviews(serviceAccount: { name: string; namespace: string }, deadlineAtMs: number): Promise<TokenReviewPermission>;
}
