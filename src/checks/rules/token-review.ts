// Kubernetes auth in client-JWT mode (no token_reviewer_jwt, disable_local_ca_jwt = true): Vault
// sends the TokenReview with the very token ESO logs in with, so ESO's ServiceAccount itself must be
// allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator); without
// it the login fails with Vault's "permission denied" and Kubernetes' `cannot create resource
// "tokenreviews"`. (OpenBao builtin/credential/kubernetes: the client's JWT is the reviewer token
// when no reviewer JWT is set and the local service account token is disabled.)
import type { Finding } from '../finding.js';
import { describeStore, type StoreLabel } from './describe.js';

/** True when the auth mount's config (as `auth/<mount>/config` returns it) puts Vault in client-JWT mode. */
export function isClientJwtMode(config: Record<string, unknown>): boolean {
  return config['token_reviewer_jwt_set'] === false && config['disable_local_ca_jwt'] === true;
}

/**
 * Info for a client-JWT mount: whether the ServiceAccount may create tokenreviews is not verified
 * (a SubjectAccessReview as that ServiceAccount is the follow-up; see docs/reference/eso-semantics-notes.md).
 */
export function tokenReviewFinding(args: {
  store: StoreLabel;
  field: string;
  authMountPath: string;
  serviceAccount: { name: string; namespace: string };
}): Finding {
  const sa = `${args.serviceAccount.namespace}/${args.serviceAccount.name}`;
  const binding = `kubectl create clusterrolebinding ${args.serviceAccount.name}-tokenreview-binding --clusterrole=system:auth-delegator --serviceaccount=${args.serviceAccount.namespace}:${args.serviceAccount.name}`;
  return {
    code: 'NotVerifiable',
    severity: 'info',
    field: args.field,
    message: `Vault's Kubernetes auth at "${args.authMountPath}" has no token_reviewer_jwt and disable_local_ca_jwt = true, so Vault reviews the token ${describeStore(args.store)} presents with that same token: ServiceAccount ${sa} must be allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator), else ESO's login fails with "permission denied" (Kubernetes: cannot create resource "tokenreviews"). This is not verified.`,
    hint: `If the binding is missing: ${binding}.`,
  };
}
