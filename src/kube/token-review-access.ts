// TokenReviewAccess over the API server: one SubjectAccessReview (authorization.k8s.io/v1) per
// ServiceAccount, with the user and groups a ServiceAccount token authenticates as, and the attributes
// Vault's TokenReview needs (create tokenreviews.authentication.k8s.io, cluster scope). Answers are
// kept for a short time like the Vault facts; failures are not kept.
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { LRUCache } from 'lru-cache';
import type { TokenReviewAccess, TokenReviewPermission } from '../checks/token-review-access.js';
import { describeError, httpStatusOf } from './errors.js';

export interface KubeTokenReviewAccessOptions {
  /** How long an allowed/denied answer is kept (RBAC changes show up after this). */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_TOKEN_REVIEW_ACCESS_TTL_MS = 30_000;

function within<T>(work: Promise<T>, deadlineAtMs: number): Promise<T> {
  const remainingMs = deadlineAtMs - Date.now();
  if (remainingMs <= 0) return Promise.reject(new Error('no time left before the deadline'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${remainingMs} ms`)), remainingMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The SubjectAccessReview body for "may this ServiceAccount create tokenreviews?". */
export function tokenReviewAccessReview(sa: { name: string; namespace: string }): Record<string, unknown> {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${sa.namespace}:${sa.name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
      resourceAttributes: { verb: 'create', group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews' },
    },
  };
}

export function createKubeTokenReviewAccess(kubeConfig: KubeConfig, opts: KubeTokenReviewAccessOptions = {}): TokenReviewAccess {
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? DEFAULT_TOKEN_REVIEW_ACCESS_TTL_MS;
  const answers = new LRUCache<string, { answer: TokenReviewPermission; expiresAtMs: number }>({ max: opts.maxEntries ?? 1000 });
  const inFlight = new Map<string, Promise<TokenReviewPermission>>();
  const ask = async (sa: { name: string; namespace: string }, deadlineAtMs: number): Promise<TokenReviewPermission> => {
    try {
      const review = await within(authz.createSubjectAccessReview({ body: tokenReviewAccessReview(sa) as never }), deadlineAtMs);
      return review.status?.allowed === true ? { status: 'allowed' } : { status: 'denied' };
    } catch (err) {
      const code = httpStatusOf(err);
      if (code === 403) return { status: 'unavailable', detail: 'the webhook may not create subjectaccessreviews.authorization.k8s.io (RBAC)' };
      return { status: 'unavailable', detail: describeError(err) };
    }
  };
  return {
    canCreateTokenReviews(sa, deadlineAtMs) {
      const key = `${sa.namespace}/${sa.name}`;
      const cached = answers.get(key);
      if (cached && cached.expiresAtMs > now()) return Promise.resolve(cached.answer);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = ask(sa, deadlineAtMs).then((answer) => {
          if (answer.status !== 'unavailable') answers.set(key, { answer, expiresAtMs: now() + ttlMs });
          return answer;
        }).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
