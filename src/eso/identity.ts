// Which identity ESO presents to Vault for a store (providers/v1/vault/auth_*.go), as far as it can
// be known without reading a credential, and the claims of the ServiceAccount token ESO requests.
import { ERR_AUTH_FORMAT } from './parse-vault.js';
import type { IdentityPlan, StoreModel, VaultAuthModel } from './model.js';

/** TokenRequest lifetime ESO asks for (kubernetes auth, and jwt's default). */
export const TOKEN_EXPIRATION_SECONDS = 600;
/** jwt + kubernetesServiceAccountToken: the deprecated `audiences` field defaults to this. */
export const JWT_DEFAULT_EXTRA_AUDIENCES = ['vault'];

function notVerifiable(auth: VaultAuthModel, reason: string, extra: Partial<IdentityPlan> = {}): IdentityPlan {
  return { method: auth.method, verifiable: false, notVerifiableReason: reason, ...extra };
}

/**
 * Namespace of a referenced ServiceAccount. SecretStore: always the ExternalSecret's namespace
 * (or, when the store is checked alone, the store's own). ClusterSecretStore: ref.namespace, else
 * the ExternalSecret's namespace ("referent"); undefined when neither is known.
 */
function refNamespace(store: StoreModel, refNs: string | undefined, esNamespace: string | undefined): string | undefined {
  if (store.kind === 'SecretStore') return esNamespace ?? store.namespace;
  return refNs ?? esNamespace;
}

export function planIdentity(
  store: StoreModel,
  esNamespace: string | undefined,
  controllerServiceAccount: { name: string; namespace: string },
): IdentityPlan {
  if (store.provider.type !== 'vault') {
    return { method: 'none', verifiable: false, notVerifiableReason: `provider ${store.provider.name || '(none)'} is not Vault` };
  }
  const auth = store.provider.vault.auth;
  switch (auth.method) {
    case 'none':
      if (store.provider.vault.authEmpty) return notVerifiable(auth, `spec.provider.vault.auth names no method: ESO fails with "${ERR_AUTH_FORMAT}"`);
      return notVerifiable(auth, 'spec.provider.vault.auth is not set: ESO sends no token, so every read fails with 403');
    case 'tokenSecretRef':
      return notVerifiable(auth, `the Vault token is read from Secret "${auth.tokenSecretRef.name}"; its policies are unknown without reading it`);
    case 'appRole':
      return notVerifiable(auth, 'appRole login uses a secret_id read from a Kubernetes Secret', { authMountPath: auth.path });
    case 'kubernetes': {
      const base = { method: auth.method, authMountPath: auth.mountPath, role: auth.role } as const;
      if (auth.serviceAccountRef) {
        const namespace = refNamespace(store, auth.serviceAccountRef.namespace, esNamespace);
        if (namespace === undefined) {
          return { ...base, verifiable: false, notVerifiableReason: `serviceAccountRef "${auth.serviceAccountRef.name}" has no namespace: it is the namespace of each ExternalSecret using this ClusterSecretStore` };
        }
        return {
          ...base,
          serviceAccount: {
            name: auth.serviceAccountRef.name,
            namespace,
            // Exactly the listed audiences; none = the API server's default audience.
            audiences: [...(auth.serviceAccountRef.audiences ?? [])],
            source: 'serviceAccountRef',
            expirationSeconds: TOKEN_EXPIRATION_SECONDS,
          },
          verifiable: true,
        };
      }
      if (auth.secretRef) {
        return { ...base, verifiable: false, notVerifiableReason: `the JWT is read from Secret "${auth.secretRef.name}" (key "${auth.secretRef.key ?? 'token'}"); whose token it is cannot be known without reading it` };
      }
      // The controller pod's own projected token (default audience), for SecretStore and ClusterSecretStore alike.
      return {
        ...base,
        serviceAccount: { name: controllerServiceAccount.name, namespace: controllerServiceAccount.namespace, audiences: [], source: 'controller' },
        verifiable: true,
      };
    }
    case 'jwt': {
      const base = { method: auth.method, authMountPath: auth.path, role: auth.role } as const;
      const k = auth.kubernetesServiceAccountToken;
      if (k) {
        const namespace = refNamespace(store, k.serviceAccountRef.namespace, esNamespace);
        if (namespace === undefined) {
          return { ...base, verifiable: false, notVerifiableReason: `kubernetesServiceAccountToken.serviceAccountRef "${k.serviceAccountRef.name}" has no namespace: it is the namespace of each ExternalSecret using this ClusterSecretStore` };
        }
        return {
          ...base,
          serviceAccount: {
            name: k.serviceAccountRef.name,
            namespace,
            audiences: [...(k.serviceAccountRef.audiences ?? []), ...(k.audiences ?? JWT_DEFAULT_EXTRA_AUDIENCES)],
            source: 'serviceAccountRef',
            expirationSeconds: k.expirationSeconds ?? TOKEN_EXPIRATION_SECONDS,
          },
          verifiable: true,
        };
      }
      return { ...base, verifiable: false, notVerifiableReason: `the JWT is read from Secret "${auth.secretRef?.name ?? ''}"; its claims cannot be known without reading it` };
    }
    case 'ldap':
    case 'userPass':
      return notVerifiable(auth, `${auth.method} login uses a password read from a Kubernetes Secret`, { authMountPath: auth.path });
    case 'cert':
      return notVerifiable(auth, 'cert login uses a client certificate read from a Kubernetes Secret', { authMountPath: auth.path, ...(auth.vaultRole ? { role: auth.vaultRole } : {}) });
    case 'iam':
      return notVerifiable(auth, 'iam login uses AWS credentials (Secret, IRSA or Pod Identity) that cannot be inspected here', { authMountPath: auth.path, role: auth.vaultRole });
    case 'gcp':
      return notVerifiable(auth, 'gcp login uses Google credentials that cannot be inspected here', { authMountPath: auth.path, role: auth.role });
  }
}

/** Claims of the ServiceAccount token ESO would send (for jwt role bound_claims / bound_subject checks). */
export interface ServiceAccountTokenClaims {
  sub: string;
  aud: string[];
  'kubernetes.io': { namespace: string; serviceaccount: { name: string } };
}

/**
 * The claims ESO's TokenRequest token carries for `identity.serviceAccount`. `defaultAudiences` are
 * the API server's `--api-audiences`, used when the request names none. Undefined when unknown.
 */
export function serviceAccountTokenClaims(identity: IdentityPlan, defaultAudiences: string[] = []): ServiceAccountTokenClaims | undefined {
  const sa = identity.serviceAccount;
  if (!sa) return undefined;
  return {
    sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
    aud: sa.audiences.length > 0 ? [...sa.audiences] : [...defaultAudiences],
    'kubernetes.io': { namespace: sa.namespace, serviceaccount: { name: sa.name } },
  };
}
