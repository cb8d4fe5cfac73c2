// `npm run contracts:record`: records, from a real Vault/OpenBao and a real kube-apiserver started
// as `npm run e2e` starts them, every request shape the product makes (and the auth flows ESO's
// logins rely on), into test/contract/*.json. replay.test.ts replays them against the doubles.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { seedVault, type SeedState } from '../../src/sandbox/seed.js';
import { findBinaries, goModuleVersion } from './binaries.js';
import { startCluster, type Cluster } from './cluster.js';
import { run } from './processes.js';
import { startVaultServer, type VaultServer } from './vault-server.js';
import { dig, fill, shapeOf, type ContractFile, type ContractStep } from '../contract/shape.js';

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
    k('WATCH from the LIST\'s resourceVersion with bookmarks: the change arrives as ADDED', 'GET', `/api/v1/namespaces/${NS}/secrets`, { query: { watch: 'true', resourceVersion: '${listRv}', allowWatchBookmarks: 'true', timeoutSeconds: '2' }, watchLines: 0 }),
    // An etcd compaction does not turn this into 410 Gone: kube-apiserver's watch cache still serves
    // the events (tried with /v3/kv/compaction); 410 comes only once the cache no longer holds them.
    k('WATCH from resourceVersion 1: the watch cache serves the history as ADDED lines', 'GET', `/api/v1/namespaces/${NS}/secrets`, { query: { watch: 'true', resourceVersion: '1', allowWatchBookmarks: 'true', timeoutSeconds: '2' }, watchLines: 1 }),
  ] },
  { file: 'token-request-review', steps: [
    k('setup: a ServiceAccount', 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso' } } }),
    k('TokenRequest with an audience', 'POST', `/api/v1/namespaces/${NS}/serviceaccounts/eso/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 600 } }, capture: { jwt: 'status.token' } }),
    k('TokenReview of that token for its audience', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: '${jwt}', audiences: ['vault'] } } }),
    k('TokenReview of that token for another audience (authenticated false)', 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: '${jwt}', audiences: ['https://kubernetes.default.svc.cluster.local'] } } }),
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

function kubeRequest(cluster: Cluster, step: ContractStep): Promise<{ status: number; contentType?: string; body: unknown }> {
  const qs = step.query ? `?${new URLSearchParams(step.query).toString()}` : '';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${cluster.url}${step.path}${qs}`, {
      method: step.method, ca: cluster.caPem,
      headers: { authorization: `Bearer ${cluster.adminToken}`, accept: 'application/json', ...(step.body ? { 'content-type': step.contentType ?? 'application/json' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = step.watchLines !== undefined ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : text ? (JSON.parse(text) as unknown) : null;
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type']?.split(';')[0], body });
      });
    });
    req.on('error', reject);
    if (step.body) req.write(JSON.stringify(step.body));
    req.end();
  });
}

async function main(): Promise<number> {
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
    for (const group of VAULT_GROUPS) {
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
    for (const group of KUBE_GROUPS) {
      // Each group in its own namespace: replayed alone against a fresh double, it must see the same objects.
      const vars: Record<string, string> = { ns: `c-${group.file}` };
      await kubeRequest(cluster, { title: '', method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: vars.ns } } });
      const steps: ContractStep[] = [];
      for (const raw of group.steps) {
        const step = fill(raw, vars);
        const r = await kubeRequest(cluster, step);
        for (const [name, path] of Object.entries(raw.capture ?? {})) {
          const value = dig(r.body, path);
          if (value !== undefined) vars[name] = value;
        }
        steps.push({ ...raw, response: { status: r.status, ...(r.contentType ? { contentType: r.contentType } : {}), body: shapeOf(r.body) } });
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
