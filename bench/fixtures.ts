// A realistic platform for the benchmarks: T teams, each with a namespace, a SecretStore logging in
// with the namespace's ServiceAccount and its own Kubernetes-auth role, and A apps whose secrets live
// under apps/<team>/<app>; one templated policy scopes every role to its own namespace's subtree.
import { admissionReview as fixtureReview } from '../test/support/admission-fixtures.js';
import type { VaultState } from '../test/support/vault-double.js';

export const SERVER = 'https://vault.bench.example.internal:8200';
const ACCESSOR = 'auth_kubernetes_bench';
export const DEFAULT_AUDIENCES = ['https://kubernetes.default.svc.cluster.local'];

type Obj = Record<string, unknown>;

export function benchState(teams: number, apps: number): VaultState {
  const roles: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (let t = 0; t < teams; t++) {
    roles[`team-${t}`] = {
      bound_service_account_names: ['eso-reader'],
      bound_service_account_namespaces: [`team-${t}`],
      audience: DEFAULT_AUDIENCES[0],
      token_policies: ['app-secrets'],
      token_ttl: 600,
    };
    for (let a = 0; a < apps; a++) {
      secrets[`apps/team-${t}/app-${a}`] = {
        versions: [{ data: { username: `svc-${a}`, password: `bench-password-${t}-${a}`, port: '5432', config: { pool: { size: '10' } } } }],
        custom_metadata: { owner: `team-${t}` },
      };
    }
  }
  const ns = `{{identity.entity.aliases.${ACCESSOR}.metadata.service_account_namespace}}`;
  return {
    server: SERVER,
    mounts: { 'apps/': { type: 'kv', options: { version: '2' } } },
    auth: { 'kubernetes/': { type: 'kubernetes', accessor: ACCESSOR, config: { kubernetes_host: 'https://10.0.0.1:443' }, roles } },
    policies: {
      'app-secrets': `path "apps/data/${ns}/*" {\n  capabilities = ["read"]\n}\npath "apps/metadata/${ns}/*" {\n  capabilities = ["read", "list"]\n}\n`,
    },
    secrets,
  } as unknown as VaultState;
}

export function secretStore(team: number): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'vault', namespace: `team-${team}` },
    spec: { provider: { vault: { server: SERVER, path: 'apps', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role: `team-${team}`, serviceAccountRef: { name: 'eso-reader' } } } } } },
  };
}

/** Four data entries (three from the app's secret, one from a shared one) and one dataFrom extract. */
export function externalSecret(team: number, app: number): Obj {
  const key = `team-${team}/app-${app}`;
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: `app-${app}`, namespace: `team-${team}` },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'SecretStore' },
      target: { name: `app-${app}` },
      data: [
        { secretKey: 'username', remoteRef: { key, property: 'username' } },
        { secretKey: 'password', remoteRef: { key, property: 'password' } },
        { secretKey: 'pool', remoteRef: { key, property: 'config.pool.size' } },
        { secretKey: 'shared-user', remoteRef: { key: `team-${team}/app-0`, property: 'username' } },
      ],
      dataFrom: [{ extract: { key } }],
    },
  };
}

export function namespaceObject(team: number): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${team}`, labels: { 'kubernetes.io/metadata.name': `team-${team}` } } };
}

export function admissionReview(object: Obj, uid: string): Obj {
  return fixtureReview(object, { uid, username: 'argocd-application-controller' });
}
