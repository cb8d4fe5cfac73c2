// The RBAC of an example's cluster, as far as the checks ask it: the ServiceAccounts its stores log
// in as hold system:auth-delegator (examples/kv-dev-kubernetes-auth/README.md; the e2e suite binds
// the same ServiceAccounts in the real cluster). Others may not create tokenreviews.
import { parseEsoObject } from '../../src/eso/index.js';
import type { TokenReviewAccess } from '../../src/checks/token-review-access.js';

export function exampleTokenReviews(objects: readonly unknown[], controller: { name: string; namespace: string }): TokenReviewAccess {
  const bound = new Set([`${controller.namespace}/${controller.name}`]);
  for (const obj of objects) {
    const parsed = parseEsoObject(obj);
    if (parsed.kind !== 'SecretStore' && parsed.kind !== 'ClusterSecretStore') continue;
    if (parsed.model.provider.type !== 'vault') continue;
    const auth = parsed.model.provider.vault.auth;
    const ref = auth.method === 'kubernetes' ? auth.serviceAccountRef : auth.method === 'jwt' ? auth.kubernetesServiceAccountToken?.serviceAccountRef : undefined;
    const namespace = ref?.namespace ?? parsed.model.namespace;
    if (ref && namespace) bound.add(`${namespace}/${ref.name}`);
  }
  return {
    canCreateTokenReviews: (sa) => Promise.resolve({ status: bound.has(`${sa.namespace}/${sa.name}`) ? 'allowed' : 'denied' }),
  };
}
