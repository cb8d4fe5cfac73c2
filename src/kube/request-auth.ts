// Who may read what the webhook serves beyond admissions (GET /report): the caller's bearer token
// is checked by the API server (TokenReview), then the user it names is asked about one
// non-resource URL and verb (SubjectAccessReview) — as controller-runtime's metrics filter does.
// Grant it with a ClusterRole rule `nonResourceURLs: [<path>]`, `verbs: [<verb>]`.
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { RequestAuthorizer } from '../server/report-route.js';
import { describeError } from './errors.js';

export interface RequestAuthorizerOptions {
  /** Non-resource URL the SubjectAccessReview asks about, e.g. `/eso-vault-guard/report`. */
  path: string;
  verb: string;
  logger: Logger;
}

/** `Bearer <token>` (scheme case-insensitive, RFC 6750); undefined otherwise. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer +([^\s]+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

export function createRequestAuthorizer(kubeConfig: KubeConfig, opts: RequestAuthorizerOptions): RequestAuthorizer {
  const authn = kubeConfig.makeApiClient(AuthenticationV1Api);
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  return {
    async authorize(authorization) {
      const token = bearerToken(authorization);
      if (!token) return { status: 'unauthenticated', reason: 'no bearer token (Authorization: Bearer <token>)' };
      let user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } | undefined;
      try {
        const review = await authn.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
        if (review.status?.authenticated !== true || !review.status.user?.username) {
          return { status: 'unauthenticated', reason: 'the API server did not accept the bearer token' };
        }
        user = review.status.user;
      } catch (err) {
        opts.logger.warn({ err: describeError(err) }, 'TokenReview failed');
        return { status: 'unavailable', reason: 'the token could not be reviewed (Kubernetes API unavailable)' };
      }
      const username = user.username as string;
      try {
        const review = await authz.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: username,
              ...(user.uid ? { uid: user.uid } : {}),
              ...(user.groups ? { groups: user.groups } : {}),
              ...(user.extra ? { extra: user.extra } : {}),
              nonResourceAttributes: { path: opts.path, verb: opts.verb },
            },
          },
        });
        if (review.status?.allowed === true) return { status: 'allowed', user: username };
        return { status: 'forbidden', user: username, reason: `"${username}" may not ${opts.verb} ${opts.path}` };
      } catch (err) {
        opts.logger.warn({ err: describeError(err) }, 'SubjectAccessReview failed');
        return { status: 'unavailable', reason: 'access could not be reviewed (Kubernetes API unavailable)' };
      }
    },
  };
}
