// Vault Enterprise namespaces as ESO uses them (providers/v1/vault/auth.go setAuth/useAuthNamespace):
// the login (auth mount, role, the token's policies) runs in `auth.namespace` when it is set, and
// every secret request afterwards runs in the store's `namespace`.
import type { VaultProviderModel } from './model.js';

/**
 * `headers` are added to the client with AddHeader (provider.go initClient); SetNamespace replaces
 * the X-Vault-Namespace header later only when `namespace` (or `auth.namespace`) is set. So a
 * custom X-Vault-Namespace header is the store's namespace when `namespace` is not set.
 */
export function headerNamespace(vault: Pick<VaultProviderModel, 'headers'>): string | undefined {
  if (!vault.headers) return undefined;
  for (const [k, v] of Object.entries(vault.headers)) if (k.toLowerCase() === 'x-vault-namespace') return v;
  return undefined;
}

function clean(ns: string | undefined): string | undefined {
  if (ns === undefined) return undefined;
  return ns.replace(/^\/+|\/+$/g, '');
}

/** The namespace ESO logs in under: `auth.namespace` when set, else the store's `namespace`. */
export function loginNamespace(vault: Pick<VaultProviderModel, 'namespace' | 'authNamespace' | 'headers'>): string | undefined {
  if (vault.authNamespace !== undefined) return vault.authNamespace;
  return vault.namespace ?? headerNamespace(vault);
}

/** The namespace ESO reads and writes secrets under: the store's `namespace`. */
export function secretNamespace(vault: Pick<VaultProviderModel, 'namespace' | 'authNamespace' | 'headers'>): string | undefined {
  if (vault.namespace !== undefined) return vault.namespace;
  // After a login under auth.namespace, ESO restores "" (the root namespace), not the header.
  if (vault.authNamespace !== undefined && vault.authNamespace !== '') return '';
  return headerNamespace(vault);
}

/**
 * How the token's policies (written in the login namespace) see a path requested in the secret
 * namespace: Vault matches `<request namespace path><path>` against `<policy namespace path><rule>`,
 * so a policy in `admin` grants `admin/team-a`'s `kv/data/x` by a rule `team-a/kv/data/x`.
 * Returns the prefix to put before a request path ('' when both are the same namespace), or null
 * when the secret namespace is not the login namespace or one below it (the token is not valid there).
 */
export function policyPathPrefix(vault: Pick<VaultProviderModel, 'namespace' | 'authNamespace' | 'headers'>): string | null {
  const login = clean(loginNamespace(vault)) ?? '';
  const secret = clean(secretNamespace(vault)) ?? '';
  if (vault.authNamespace === undefined || login === secret) return '';
  if (login === '') return `${secret}/`;
  if (secret.startsWith(`${login}/`)) return `${secret.slice(login.length + 1)}/`;
  return null;
}
