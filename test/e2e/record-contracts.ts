// `npm run contracts:record`: records, from a real Vault/OpenBao and a real kube-apiserver started
// as `npm run e2e` starts them, every request shape the product makes (and the auth flows ESO's
// logins rely on), into test/contract/*.json. replay.test.ts replays them against the doubles.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { seedVault, type SeedState } from '../../src/sandbox/seed.js';
import { findBinaries, goModuleVersion } from './binaries.js';
import { startCluster, type Cluster } from './cluster.js';
import { run } from './processes.js';
import { startVaultServer, type VaultServer } from './vault-server.js';
import { dig, fill, shapeOf, type ContractFile, type ContractStep } from '../contract/shape.js';
import { kubeRequest as sendKubeStep, type KubeAnswer } from '../contract/kube-request.js';
import { parse as parseYaml } from 'yaml';

const CONTRACT_DIR = join(REPO_ROOT, 'test', 'contract');
type Group = { file: string; steps: ContractStep[] };

const v = (title: string, method: string, path: string, extra: Partial<ContractStep> = {}): ContractStep => ({ title, method, path, auth: 'admin', ...extra });

export const VAULT_GROUPS: Group[] = [
  { file: 'kv2-read', steps: [
    v('KV v2 read of the current version', 'GET', 'secret/data/app/db'),
    v('KV v2 read with ?version=0 (the current one)', 'GET', 'secret/data/app/db', { query: { version: '0' } }),
    v('KV v2 read of a missing secret', 'GET', 'secret/data/app/nope'),
  ] },
  { file: 'kv2-versions', steps: [
    v('KV v2 read of a soft-deleted version', 'GET', 'secret/data/app/db', { query: { version: '2' } }),
    v('KV v2 read of a destroyed version', 'GET', 'secret/data/app/db', { query: { version: '1' } }),
    v('KV v2 read of a version that never existed', 'GET', 'secret/data/app/db', { query: { version: '7' } }),
    v('KV v2 read with a version that is not a number (400)', 'GET', 'secret/data/app/db', { query: { version: 'abc' } }),
  ] },
  { file: 'kv2-metadata', steps: [
    v('KV v2 metadata with versions, deletion times, custom metadata', 'GET', 'secret/metadata/app/db'),
    v('KV v2 metadata of a missing secret', 'GET', 'secret/metadata/app/nope'),
  ] },
  { file: 'kv2-subkeys', steps: [
    v('KV v2 subkeys (key names without values)', 'GET', 'secret/subkeys/app/db'),
    v('KV v2 subkeys of a missing secret', 'GET', 'secret/subkeys/app/nope'),
  ] },
  { file: 'kv2-config', steps: [
    v('KV v2 engine config (cas_required, max_versions, delete_version_after)', 'GET', 'secret/config'),
  ] },
  { file: 'kv2-list', steps: [
    v('KV v2 LIST as GET ?list=true', 'GET', 'secret/metadata/app', { query: { list: 'true' } }),
    v('KV v2 LIST of an empty folder', 'GET', 'secret/metadata/nothing', { query: { list: 'true' } }),
  ] },
  { file: 'kv1', steps: [
    v('KV v1 read', 'GET', 'legacy/app/config'),
    v('KV v1 LIST', 'GET', 'legacy/app', { query: { list: 'true' } }),
    v('KV v1 read of a missing secret', 'GET', 'legacy/app/nope'),
  ] },
  { file: 'ui-mounts-limited-token', steps: [
    v('sys/internal/ui/mounts/<path> with a token that may read under the mount', 'GET', 'sys/internal/ui/mounts/secret/app/db', { auth: 'limited' }),
    v('sys/internal/ui/mounts/<path> for a mount the token cannot see', 'GET', 'sys/internal/ui/mounts/sys/policies', { auth: 'limited' }),
    v('sys/internal/ui/mounts/<path> for no mount at all', 'GET', 'sys/internal/ui/mounts/nowhere/x', { auth: 'limited' }),
  ] },
  { file: 'sys-auth', steps: [v('sys/auth: the auth mount table', 'GET', 'sys/auth')] },
  { file: 'sys-mounts', steps: [v('sys/mounts: the secret engine table', 'GET', 'sys/mounts')] },
  { file: 'role-kubernetes', steps: [
    v('kubernetes role read', 'GET', 'auth/kubernetes/role/eso'),
    v('kubernetes role that does not exist', 'GET', 'auth/kubernetes/role/nope'),
  ] },
  { file: 'role-jwt', steps: [v('jwt role read', 'GET', 'auth/jwt/role/eso-jwt')] },
  { file: 'role-approle', steps: [v('approle role read', 'GET', 'auth/approle/role/eso-approle')] },
  { file: 'role-odd-names', steps: [
    v('a role name with an encoded slash', 'GET', 'auth/kubernetes/role/a%2Fb'),
    v('a role name with ..', 'GET', 'auth/kubernetes/role/..'),
    v('a role name with a slash (two segments)', 'GET', 'auth/kubernetes/role/a/b'),
  ] },
  { file: 'policies', steps: [
    v('policy read', 'GET', 'sys/policies/acl/eso-read'),
    v('policy LIST', 'GET', 'sys/policies/acl', { query: { list: 'true' } }),
    v('a policy that does not exist', 'GET', 'sys/policies/acl/nope'),
  ] },
  { file: 'token-self', steps: [
    v('auth/token/lookup-self', 'GET', 'auth/token/lookup-self', { auth: 'limited' }),
    v('auth/token/renew-self', 'POST', 'auth/token/renew-self', { auth: 'limited', body: {} }),
  ] },
  { file: 'errors', steps: [
    v('403: a path the token\'s policies do not grant', 'GET', 'auth/kubernetes/role/eso', { auth: 'limited' }),
    v('404: a path the policies grant where no secret is', 'GET', 'secret/data/other', { auth: 'limited' }),
    v('403: no token at all', 'GET', 'secret/data/app/db', { auth: 'none' }),
    v('403: a token Vault does not know', 'GET', 'secret/data/app/db', { auth: 'none', headers: { 'X-Vault-Token': 'hvs.not-a-token' } }),
    v('404: no handler for a path outside every mount', 'GET', 'nowhere/data/x'),
  ] },
  { file: 'namespace-header', steps: [
    v('X-Vault-Namespace naming a namespace that does not exist', 'GET', 'secret/data/app/db', { headers: { 'X-Vault-Namespace': 'team-a' } }),
  ] },
  { file: 'health', steps: [
    v('sys/health: what the server says it is (version, flavour)', 'GET', 'sys/health', { auth: 'none' }),
    v('sys/seal-status', 'GET', 'sys/seal-status', { auth: 'none' }),
  ] },
  { file: 'login-approle-bad', steps: [
    v('approle login with a role_id Vault does not know (400)', 'POST', 'auth/approle/login', { auth: 'none', body: { role_id: 'nope', secret_id: 'nope' } }),
    v('kubernetes login with a role that does not exist', 'POST', 'auth/kubernetes/login', { auth: 'none', body: { role: 'nope', jwt: 'x.y.z' } }),
  ] },
  { file: 'sealed', steps: [
    { title: 'seal the server (bao operator seal)', action: 'seal' },
    v('a read while sealed (503)', 'GET', 'secret/data/app/db'),
    v('sys/health while sealed (503)', 'GET', 'sys/health', { auth: 'none' }),
  ] },
];

const k = (title: string, method: string, path: string, extra: Partial<ContractStep> = {}): ContractStep => ({ title, method, path, auth: 'admin', ...extra });
const NS = '${ns}';
const micro = '2026-01-01T00:00:00.000000Z';

/** The SubjectAccessReview the webhook sends (src/kube/token-review-access.ts), for ServiceAccount `name` in the group's namespace. */
function sarBody(name: string): Record<string, unknown> {
  return {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${NS}:${name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
      resourceAttributes: { verb: 'create', group: 'authentication.k8s.io', version: 'v1', resource: 'tokenreviews' },
    },
  };
}

export const KUBE_GROUPS: Group[] = [
  { file: 'lease', steps: [
    k('Lease create (MicroTime with 6 fraction digits)', 'POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'audit' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: micro, renewTime: micro, leaseTransitions: 0 } }, capture: { rv: 'metadata.resourceVersion' } }),
    k('Lease update with the resourceVersion read', 'PUT', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/audit`, { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'audit', resourceVersion: '${rv}' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: micro, renewTime: '2026-01-01T00:00:05.000000Z', leaseTransitions: 0 } } }),
    k('Lease update with a stale resourceVersion (409 Conflict)', 'PUT', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/audit`, { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'audit', resourceVersion: '${rv}' }, spec: { holderIdentity: 'pod-b', leaseDurationSeconds: 15, renewTime: micro } } }),
    k('Lease create with a 3-digit (JavaScript Date) MicroTime (400)', 'POST', `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'millis' }, spec: { holderIdentity: 'pod-a', renewTime: '2026-01-01T00:00:00.000Z' } } }),
  ] },
  { file: 'events', steps: [
    k('core/v1 Event create', 'POST', `/api/v1/namespaces/${NS}/events`, { body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'es.1' }, involvedObject: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: NS, name: 'es' }, type: 'Warning', reason: 'PolicyDenied', message: 'm', source: { component: 'eso-vault-guard', host: 'h' }, reportingComponent: 'eso-vault-guard', reportingInstance: 'h', firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:00:00Z', count: 1 } }),
  ] },
  { file: 'webhook-cabundle-patch', steps: [
    k('ValidatingWebhookConfiguration create', 'POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', { body: { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'contract' }, webhooks: [{ name: 'validate.contract.io', clientConfig: { url: 'https://localhost:9443/validate' }, rules: [{ apiGroups: ['external-secrets.io'], apiVersions: ['v1'], resources: ['externalsecrets'], operations: ['CREATE'] }], sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Ignore' }] } }),
    k('JSON patch of webhooks[0].clientConfig.caBundle', 'PATCH', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/contract', { contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==' }] }),
    k('JSON patch with a failing test op (422)', 'PATCH', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/contract', { contentType: 'application/json-patch+json', body: [{ op: 'test', path: '/webhooks/0/clientConfig/caBundle', value: 'b3RoZXI=' }] }),
  ] },
  { file: 'secret-conflict', steps: [
    k('Secret create', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'Opaque', data: { k: 'dg==' } } }),
    k('Secret create of an existing name (409 AlreadyExists)', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, type: 'Opaque', data: { k: 'dg==' } } }),
    k('Secret read that does not exist (404)', 'GET', `/api/v1/namespaces/${NS}/secrets/nope`),
  ] },
  { file: 'configmap-get', steps: [
    k('setup: a ConfigMap holding a template', 'POST', `/api/v1/namespaces/${NS}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db-tpl' }, data: { config: 'url: {{ .password }}' }, binaryData: { bin: 'AAE=' } } }),
    k('ConfigMap GET by name (templateFrom and caProvider reads)', 'GET', `/api/v1/namespaces/${NS}/configmaps/db-tpl`),
    k('ConfigMap GET of a name that does not exist (404, the text ESO reports)', 'GET', `/api/v1/namespaces/${NS}/configmaps/nope`),
  ] },
  { file: 'list-paging', steps: [
    k('setup: a second Secret', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'two' }, type: 'Opaque' } }),
    k('setup: a third Secret', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'three' }, type: 'Opaque' } }),
    k('LIST with limit=1: one item and a continue token', 'GET', `/api/v1/namespaces/${NS}/secrets`, { query: { limit: '1' }, capture: { cont: 'metadata.continue' } }),
    k('LIST with the continue token', 'GET', `/api/v1/namespaces/${NS}/secrets`, { query: { limit: '1', continue: '${cont}' } }),
  ] },
  { file: 'watch', steps: [
    k('LIST for a resourceVersion', 'GET', `/api/v1/namespaces/${NS}/secrets`, { capture: { listRv: 'metadata.resourceVersion' } }),
    k('setup: a change after the LIST', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'later' }, type: 'Opaque' } }),
    // The watch cache sends a BOOKMARK 2 s before the watch's deadline, and only when the resource
    // has moved past the point the watch started from (here: the change made while it is open).
    k('WATCH from the LIST\'s resourceVersion with bookmarks: the change after the LIST and the one made while it is open arrive as ADDED, then a BOOKMARK 2 s before its timeout', 'GET', `/api/v1/namespaces/${NS}/secrets`, {
      // 6 s: the BOOKMARK is due at 4 s, the change goes out at 1 s (room for a loaded machine).
      query: { watch: 'true', resourceVersion: '${listRv}', allowWatchBookmarks: 'true', timeoutSeconds: '6' }, watchLines: 0,
      during: k('a change while the watch is open', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'during' }, type: 'Opaque' } }),
    }),
    k('WATCH without allowWatchBookmarks: the same changes, no BOOKMARK', 'GET', `/api/v1/namespaces/${NS}/secrets`, {
      query: { watch: 'true', resourceVersion: '${listRv}', timeoutSeconds: '4' }, watchLines: 0,
      during: k('another change while the watch is open', 'POST', `/api/v1/namespaces/${NS}/secrets`, { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'during-2' }, type: 'Opaque' } }),
    }),
  ] },
  { file: 'watch-expired', steps: [
    // A resource's watch cache starts at the resourceVersion current when it is created (here: the
    // CRD installed now); a watch from an older resourceVersion is answered 200 with one ERROR event
    // (410 Expired), never an HTTP 410. (An etcd compaction alone does not do it for a resource
    // whose cache holds the history: see kube-apiserver-watch.json's history.)
    { title: 'setup: ESO\'s ExternalSecret CRD installed (its watch cache starts at the current resourceVersion)', action: 'install-crd', crd: 'external-secrets.io_externalsecrets.yaml' },
    k('LIST of ExternalSecrets', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets`, { capture: { listRv: 'metadata.resourceVersion' } }),
    k('WATCH from resourceVersion 1, older than the watch cache: 200 with an ERROR event, Status 410 Expired', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets`, { query: { watch: 'true', resourceVersion: '1', allowWatchBookmarks: 'true', timeoutSeconds: '2' }, watchLines: 0 }),
    k('WATCH from the LIST\'s resourceVersion: no error, no event', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets`, { query: { watch: 'true', resourceVersion: '${listRv}', allowWatchBookmarks: 'true', timeoutSeconds: '2' }, watchLines: 0 }),
  ] },
  { file: 'token-request-review', steps: [
    k('setup: a ServiceAccount', 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso' } } }),
    k('TokenRequest with an audience', 'POST', `/api/v1/namespaces/${NS}/serviceaccounts/eso/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } }, capture: { jwt: 'status.token' } }),
    k('TokenReview of that token for its audience', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: '${jwt}', audiences: ['vault'] } } }),
    k('TokenReview of that token for another audience (authenticated false)', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: '${jwt}', audiences: ['https://kubernetes.default.svc.cluster.local'] } } }),
  ] },
  // The webhook's question for Kubernetes auth in client-JWT mode (src/kube/token-review-access.ts):
  // may a ServiceAccount create tokenreviews? Denied without a binding, allowed once bound to
  // system:auth-delegator; and how the API server refuses a malformed review.
  { file: 'subject-access-review', steps: [
    k('setup: system:auth-delegator bound to ServiceAccount bound', 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `${NS}-tokenreview-binding` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' }, subjects: [{ kind: 'ServiceAccount', name: 'bound', namespace: NS }] } }),
    k('SubjectAccessReview: may a ServiceAccount without the binding create tokenreviews (allowed false)', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sarBody('unbound') }),
    k('SubjectAccessReview without user or groups (422)', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews' } } } }),
    k('SubjectAccessReview with neither resourceAttributes nor nonResourceAttributes (422)', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'system:serviceaccount:x:y' } } }),
    k('SubjectAccessReview sent as another kind (400)', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: { ...sarBody('bound'), kind: 'TokenReview' } }),
    k('SubjectAccessReview: may the bound ServiceAccount create tokenreviews (allowed true)', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sarBody('bound') }),
  ] },
  // The webhook's GET of the PushSecret a ClusterPushSecret (the ExternalSecret a ClusterExternalSecret)
  // would create in a namespace (src/kube/existing-objects.ts): 404 when absent, else the object with
  // its controller ownerReference. Last: its CRD installs must not move watch-expired's resourceVersion.
  // The bodies spell out the CRDs' defaults (the double applies none; the product reads only metadata).
  { file: 'pushsecret-get', steps: [
    { title: 'setup: ESO\'s PushSecret CRD installed (served as v1alpha1 only)', action: 'install-crd', crd: 'external-secrets.io_pushsecrets.yaml' },
    { title: 'setup: ESO\'s ExternalSecret CRD installed', action: 'install-crd', crd: 'external-secrets.io_externalsecrets.yaml' },
    k('PushSecret GET of a name that does not exist (404 NotFound Status)', 'GET', `/apis/external-secrets.io/v1alpha1/namespaces/${NS}/pushsecrets/absent`),
    k('PushSecret GET under external-secrets.io/v1, a version its CRD does not serve (404, the group\'s other kinds serve v1)', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/pushsecrets/absent`),
    k('setup: a PushSecret controlled by a ClusterPushSecret', 'POST', `/apis/external-secrets.io/v1alpha1/namespaces/${NS}/pushsecrets`, { body: { apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'fanned', ownerReferences: [{ apiVersion: 'external-secrets.io/v1alpha1', kind: 'ClusterPushSecret', name: 'fan', uid: '6f1d2c3b-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }] }, spec: { refreshInterval: '1h0m0s', deletionPolicy: 'None', updatePolicy: 'Replace', secretStoreRefs: [{ name: 'vault', kind: 'ClusterSecretStore' }], selector: { secret: { name: 'src' } }, data: [{ conversionStrategy: 'None', match: { secretKey: 'k', remoteRef: { remoteKey: 'app/pushed' } } }] } } }),
    k('PushSecret GET by name (200 with metadata.ownerReferences)', 'GET', `/apis/external-secrets.io/v1alpha1/namespaces/${NS}/pushsecrets/fanned`),
    k('ExternalSecret GET of a name that does not exist (404 NotFound Status)', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/absent`),
    k('setup: an ExternalSecret controlled by a ClusterExternalSecret', 'POST', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets`, { body: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'fanned', ownerReferences: [{ apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', name: 'fan', uid: '6f1d2c3b-0000-4000-8000-000000000002', controller: true, blockOwnerDeletion: true }] }, spec: { refreshInterval: '1h0m0s', secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, target: { name: 'fanned', creationPolicy: 'Owner', deletionPolicy: 'Retain' }, data: [{ secretKey: 'k', remoteRef: { key: 'app/db' } }] } } }),
    k('ExternalSecret GET by name (200 with metadata.ownerReferences)', 'GET', `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/fanned`),
  ] },
];

async function vaultStep(vault: VaultServer, limited: string, step: ContractStep): Promise<{ status: number; contentType?: string; body: unknown }> {
  const headers: Record<string, string> = { ...(step.headers ?? {}) };
  if (step.auth === 'admin') headers['X-Vault-Token'] = vault.rootToken;
  if (step.auth === 'limited') headers['X-Vault-Token'] = limited;
  const qs = step.query ? `?${new URLSearchParams(step.query).toString()}` : '';
  const res = await fetch(`${vault.address}/v1/${step.path}${qs}`, { method: step.method, headers: { ...headers, ...(step.body ? { 'content-type': 'application/json' } : {}) }, ...(step.body ? { body: JSON.stringify(step.body) } : {}) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: text ? (JSON.parse(text) as unknown) : null };
}

function kubeRequest(cluster: Cluster, step: ContractStep): Promise<KubeAnswer> {
  return sendKubeStep({ url: cluster.url, caPem: cluster.caPem, token: cluster.adminToken }, step);
}

/** A step, and its `during` request sent while the first one streams. */
async function kubeStep(cluster: Cluster, step: ContractStep): Promise<{ main: Awaited<ReturnType<typeof kubeRequest>>; during?: Awaited<ReturnType<typeof kubeRequest>> }> {
  if (!step.during) return { main: await kubeRequest(cluster, step) };
  const during = step.during;
  const [main, second] = await Promise.all([
    kubeRequest(cluster, step),
    new Promise<Awaited<ReturnType<typeof kubeRequest>>>((resolve, reject) => { setTimeout(() => kubeRequest(cluster, during).then(resolve, reject), step.duringAfterMs ?? 1000); }),
  ]);
  return { main, during: second };
}

/** The group, plural and first served version a CRD manifest declares (PushSecret: v1alpha1 only). */
function servedResource(file: string): { group: string; plural: string; version: string } {
  const crd = parseYaml(readFileSync(file, 'utf8')) as { spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] } };
  const version = crd.spec.versions.find((x) => x.served)?.name;
  if (!version) throw new Error(`${file} serves no version`);
  return { group: crd.spec.group, plural: crd.spec.names.plural, version };
}

/** ESO's CRD into the real API server, until its watch cache answers (no 429 "storage is (re)initializing"). */
async function installCrd(bins: { kubectl: string; esoCrds: string[] }, cluster: Cluster, name: string): Promise<void> {
  const file = bins.esoCrds.find((f) => f.endsWith(`/${name}`));
  if (!file) throw new Error(`no CRD ${name} among ${bins.esoCrds.join(', ')}`);
  const env = { PATH: process.env.PATH ?? '', HOME: dirname(cluster.kubeconfig) };
  for (const args of [['apply', '--server-side', '-f', file], ['wait', '--for', 'condition=established', '--timeout=60s', '-f', file]]) {
    const out = await run(bins.kubectl, ['--kubeconfig', cluster.kubeconfig, ...args], { env });
    if (out.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${out.stderr}`);
  }
  const { group, plural, version } = servedResource(file);
  let last = '';
  for (let i = 0; i < 60; i++) {
    // Until the group/version is in discovery the API server answers a plain-text 404: not JSON.
    const r = await kubeRequest(cluster, { title: '', method: 'GET', path: `/apis/${group}/${version}/${plural}`, query: { watch: 'true', timeoutSeconds: '1' }, watchLines: 0 }).catch((err: unknown) => ({ status: 0, body: String(err) }));
    if (r.status === 200) return;
    last = `${r.status}`;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`the watch cache of ${plural}.${group}/${version} never became ready (last: ${last})`);
}

async function main(): Promise<number> {
  // `-- --only watch,watch-expired`: record only these groups (the other files stay as they are).
  const onlyArg = process.argv.indexOf('--only');
  const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean)) : undefined;
  const wanted = (g: Group) => !only || only.has(g.file);
  const found = findBinaries();
  if (!found.ok) {
    process.stdout.write(`contracts: skipped — missing: ${found.missing.join('; ')}\n`);
    return 0;
  }
  const bins = found.bins;
  const dir = mkdtempSync(join(tmpdir(), 'eso-vault-guard-contracts-'));
  let cluster: Cluster | undefined;
  let vault: VaultServer | undefined;
  try {
    cluster = await startCluster({ etcd: bins.etcd, kubeApiserver: bins.kubeApiserver }, dir);
    vault = await startVaultServer(bins.vault, dir, 'vault');
    const state = JSON.parse(readFileSync(join(CONTRACT_DIR, 'vault-state.json'), 'utf8')) as SeedState;
    await seedVault(state, { address: vault.address, token: vault.rootToken });
    const tokenRes = await vaultStep(vault, '', { title: '', method: 'POST', path: 'auth/token/create', auth: 'admin', body: { policies: ['eso-read'], ttl: '1h' } });
    const limited = String((tokenRes.body as { auth: { client_token: string } }).auth.client_token);
    const vaultName = bins.vaultFlavour === 'bao' ? 'OpenBao' : 'Vault';
    const vaultVersion = String(vault.health.version ?? '');
    const kubeVersion = (await goModuleVersion(bins.kubeApiserver, 'k8s.io/kubernetes')) ?? 'unknown';
    const written: string[] = [];
    for (const group of VAULT_GROUPS.filter(wanted)) {
      const steps: ContractStep[] = [];
      for (const step of group.steps) {
        if (step.action === 'seal') {
          const out = await run(bins.vault, ['operator', 'seal'], { env: { PATH: process.env.PATH ?? '', HOME: dir, BAO_ADDR: vault.address, VAULT_ADDR: vault.address, BAO_TOKEN: vault.rootToken, VAULT_TOKEN: vault.rootToken } });
          if (out.code !== 0) throw new Error(`operator seal: ${out.stderr}`);
          steps.push(step);
          continue;
        }
        const r = await vaultStep(vault, limited, step);
        steps.push({ ...step, response: { status: r.status, ...(r.contentType ? { contentType: r.contentType.split(';')[0] } : {}), body: shapeOf(r.body) } });
      }
      const file: ContractFile = { server: { kind: 'vault', name: vaultName, version: vaultVersion }, recordedWith: 'npm run contracts:record', steps };
      const name = `${bins.vaultFlavour}-${group.file}.json`;
      writeFileSync(join(CONTRACT_DIR, name), `${JSON.stringify(file, null, 2)}\n`);
      written.push(name);
    }
    for (const group of KUBE_GROUPS.filter(wanted)) {
      // Each group in its own namespace: replayed alone against a fresh double, it must see the same objects.
      const vars: Record<string, string> = { ns: `c-${group.file}` };
      await kubeRequest(cluster, { title: '', method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: vars.ns } } });
      const steps: ContractStep[] = [];
      for (const raw of group.steps) {
        if (raw.action === 'install-crd') {
          await installCrd(bins, cluster, String(raw.crd));
          steps.push(raw);
          continue;
        }
        const step = fill(raw, vars);
        const { main: r, during } = await kubeStep(cluster, step);
        for (const [name, path] of Object.entries(raw.capture ?? {})) {
          const value = dig(r.body, path);
          if (value !== undefined) vars[name] = value;
        }
        const recorded = (x: typeof r) => ({ status: x.status, ...(x.contentType ? { contentType: x.contentType } : {}), body: shapeOf(x.body) });
        steps.push({ ...raw, ...(raw.during && during ? { during: { ...raw.during, response: recorded(during) } } : {}), response: recorded(r) });
      }
      const file: ContractFile = { server: { kind: 'kubernetes', name: 'kube-apiserver', version: kubeVersion }, recordedWith: 'npm run contracts:record', steps };
      const name = `kube-apiserver-${group.file}.json`;
      writeFileSync(join(CONTRACT_DIR, name), `${JSON.stringify(file, null, 2)}\n`);
      written.push(name);
    }
    process.stdout.write(`contracts: recorded ${written.length} files from ${vaultName} ${vaultVersion} and kube-apiserver ${kubeVersion}\n`);
    return 0;
  } finally {
    await vault?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`contracts: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
