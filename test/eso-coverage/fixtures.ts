// A small Vault (KV v2 at kv/, Kubernetes auth at kubernetes/ with role "eso" for ESO's own
// ServiceAccount) and builders of the ESO objects the issue 15 tests vary.
import type { VaultState } from '../support/vault-double.js';
import { READ_EVERYWHERE_POLICY, type Obj } from './scenario.js';

export const SERVER = 'https://vault.example.internal:8200';

export function baseState(): VaultState {
  return {
    server: SERVER,
    mounts: { 'kv/': { type: 'kv', options: { version: '2' } } },
    auth: {
      'kubernetes/': {
        type: 'kubernetes',
        accessor: 'auth_kubernetes_1',
        config: { kubernetes_host: 'https://kubernetes.default.svc' },
        roles: {
          eso: { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['app-read'] },
        },
      },
    },
    policies: {
      'app-read': 'path "kv/data/app/*" {\n  capabilities = ["read"]\n}\npath "kv/metadata/app/*" {\n  capabilities = ["read", "list"]\n}\n',
      'eso-vault-guard': READ_EVERYWHERE_POLICY,
    },
    secrets: {
      'kv/app/db': { versions: [{ data: { username: 'app', password: 'fake', 'tls.crt': 'x' } }], custom_metadata: {} },
      'kv/app/api': { versions: [{ data: { token: 'fake' } }], custom_metadata: { owner: 'team-a' } },
    },
  } as unknown as VaultState;
}

/** baseState plus role "pusher" (ESO's ServiceAccount) with policy "push": create, read, update under kv/pushed/. */
export function pushState(): VaultState {
  const s = baseState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string> };
  s.auth['kubernetes/']!.roles['pusher'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['push'] };
  s.policies['push'] = 'path "kv/data/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "kv/metadata/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\n';
  return s as unknown as VaultState;
}

export function clusterStore(name: string, vault: Obj = {}, spec: Obj = {}): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name },
    spec: {
      provider: { vault: { server: SERVER, path: 'kv', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role: 'eso' } }, ...vault } },
      ...spec,
    },
  };
}

export function externalSecret(name: string, spec: Obj, namespace = 'apps', store = 'vault'): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: store }, target: { name }, ...spec },
  };
}

/** A PushSecret in "apps" of the Secret "local" (spec overrides any part). */
export function pushSecret(name: string, spec: Obj): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'PushSecret',
    metadata: { name, namespace: 'apps' },
    spec: { selector: { secret: { name: 'local' } }, ...spec },
  };
}

/** The spec of a push of key "token" to `remoteKey` (property "token") through ClusterSecretStore `store`. */
export function tokenPush(store: string, remoteKey: string): Obj {
  return {
    secretStoreRefs: [{ kind: 'ClusterSecretStore', name: store }],
    data: [{ match: { secretKey: 'token', remoteRef: { remoteKey, property: 'token' } } }],
  };
}
