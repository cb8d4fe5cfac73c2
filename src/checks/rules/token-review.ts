// Kubernetes auth in client-JWT mode (no token_reviewer_jwt, disable_local_ca_jwt = true): Vault
// sends the TokenReview with the very token ESO logs in with, so ESO's ServiceAccount itself must be
// allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator); without
// it the login fails with Vault's "permission denied" and Kubernetes' `cannot create resource
// "tokenreviews"`. (OpenBao builtin/credential/kubernetes token_review.go: the client's JWT is the
// bearer when no reviewer JWT is set; path_login.go turns a failed review into ErrPermissionDenied.)
import type { Finding } from '../finding.js';
import { describeStore, type StoreLabel } from './describe.js';

/** True when the auth mount's config (as `auth/<mount>/config` returns it) puts Vault in client-JWT mode. */
export function isClientJwtMode(config: Record<string, unknown>): boolean {
  return config['token_reviewer_jwt_set'] === false && config['disable_local_ca_jwt'] === true;
}

interface TokenReviewArgs {
  store: StoreLabel;
  field: string;
  authMountPath: string;
  serviceAccount: { name: string; namespace: string };
}

/** A ClusterRoleBinding name for the fix: one per ServiceAccount, valid as an object name. */
export function suggestedBindingName(sa: { name: string; namespace: string }): string {
  return `${sa.namespace}-${sa.name}-tokenreview-binding`.slice(0, 253).replace(/[^a-z0-9.-]/g, '-');
}

function bindingCommand(sa: { name: string; namespace: string }): string {
  return `kubectl create clusterrolebinding ${suggestedBindingName(sa)} --clusterrole=system:auth-delegator --serviceaccount=${sa.namespace}:${sa.name}`;
}

function mode(args: TokenReviewArgs): string {
  return `Vault's Kubernetes auth at "${args.authMountPath}" has no token_reviewer_jwt and disable_local_ca_jwt = true, so Vault sends the TokenReview with the token ${describeStore(args.store)} presents`;
}

/** ESO's error when Vault's TokenReview is refused (Vault answers the login 403), and Kubernetes' words in Vault's log. */
export function tokenReviewFailureWords(args: Pick<TokenReviewArgs, 'authMountPath' | 'serviceAccount'>): string {
  const user = `system:serviceaccount:${args.serviceAccount.namespace}:${args.serviceAccount.name}`;
  return `ESO: "unable to log in with Kubernetes auth: Error making API request. URL: PUT …/v1/auth/${args.authMountPath}/login Code: 403. Errors: * permission denied"; ` +
    `Kubernetes answers Vault's TokenReview: tokenreviews.authentication.k8s.io is forbidden: User "${user}" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`;
}

/** The API server says the ServiceAccount may not create tokenreviews: every login of ESO fails. */
export function tokenReviewNotPermittedFinding(args: TokenReviewArgs): Finding {
  const sa = `${args.serviceAccount.namespace}/${args.serviceAccount.name}`;
  return {
    code: 'TokenReviewNotPermitted',
    severity: 'error',
    field: args.field,
    message: `${mode(args)}: ServiceAccount ${sa} is expected to be allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator), found the API server denies it (SubjectAccessReview); ESO's login fails (${tokenReviewFailureWords(args)}).`,
    hint: `${bindingCommand(args.serviceAccount)}`,
  };
}

/** No Kubernetes API to ask (`check` without a cluster): said once, on the store. */
export function tokenReviewNotVerifiableFinding(args: TokenReviewArgs): Finding {
  const sa = `${args.serviceAccount.namespace}/${args.serviceAccount.name}`;
  return {
    code: 'NotVerifiable',
    severity: 'info',
    field: args.field,
    message: `${mode(args)}: ServiceAccount ${sa} must be allowed to create tokenreviews.authentication.k8s.io (ClusterRole system:auth-delegator), else ESO's login fails with "permission denied" (Kubernetes: cannot create resource "tokenreviews"). Not verified: no Kubernetes API to ask (the webhook and check --stores-from cluster ask it).`,
    hint: `If the binding is missing: ${bindingCommand(args.serviceAccount)}.`,
  };
}
