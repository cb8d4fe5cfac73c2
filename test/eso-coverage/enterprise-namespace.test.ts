// Issue 15 item 4: Vault Enterprise namespaces as ESO uses them (auth.go setAuth/useAuthNamespace):
// login facts (auth mount, role, policies) under auth.namespace, secret facts under the store's
// namespace. A store that logs in under `admin` and reads under `admin/team-a` syncs in ESO.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { READ_EVERYWHERE_POLICY, errorsOf, scenario, type Obj } from './scenario.js';
import { readFileSync } from 'node:fs';
import { WEBHOOK_POLICY_FILE, type VaultState } from '../support/vault-double.js';

const SERVER = 'https://vault.example.internal:8200';

const STATE: VaultState = {
  server: SERVER,
  mounts: { 'admin/team-a/kv/': { type: 'kv', options: { version: '2' } } },
  auth: {
    'admin/kubernetes/': {
      type: 'kubernetes',
      accessor: 'auth_kubernetes_admin',
      config: { kubernetes_host: 'https://kubernetes.default.svc' },
      roles: {
        eso: {
          bound_service_account_names: ['external-secrets'],
          bound_service_account_namespaces: ['external-secrets'],
          token_policies: ['team-a-read'],
        },
      },
    },
  },
  policies: {
    // A policy of namespace admin grants admin/team-a's paths by their path relative to admin.
    'team-a-read': 'path "team-a/kv/data/app/*" {\n  capabilities = ["read"]\n}\n',
    'eso-vault-guard': READ_EVERYWHERE_POLICY,
  },
  secrets: {
    'admin/team-a/kv/app/db': { versions: [{ data: { username: 'app', password: 'fake' } }], custom_metadata: {} },
    'admin/team-a/kv/other/db': { versions: [{ data: { password: 'fake' } }], custom_metadata: {} },
  },
} as unknown as VaultState;

const store: Obj = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ClusterSecretStore',
  metadata: { name: 'vault-team-a' },
  spec: {
    provider: {
      vault: {
        server: SERVER,
        path: 'kv',
        version: 'v2',
        namespace: 'admin/team-a',
        auth: { namespace: 'admin', kubernetes: { mountPath: 'kubernetes', role: 'eso' } },
      },
    },
  },
};

function es(name: string, key: string, property: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'apps' },
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault-team-a' },
      target: { name },
      data: [{ secretKey: 'v', remoteRef: { key, property } }],
    },
  };
}

const good = es('app-db', 'app/db', 'password');
const typo = es('app-db-typo', 'app/db', 'pasword');
const outside = es('other-db', 'other/db', 'password');

test('auth.namespace: the store and its ExternalSecret are allowed through /validate and check; reads still judged under the store namespace', async () => {
  const s = await scenario([store, good, typo, outside], STATE);
  try {
    const storeVerdict = await s.validate(store);
    assert.equal(storeVerdict.allowed, true, storeVerdict.message);
    assert.deepEqual(storeVerdict.warnings, []);
    const goodVerdict = await s.validate(good);
    assert.equal(goodVerdict.allowed, true, goodVerdict.message);
    // The secret is read in admin/team-a: a property typo is still found.
    const typoVerdict = await s.validate(typo);
    assert.equal(typoVerdict.allowed, false);
    assert.match(typoVerdict.message, /\[PropertyNotFound\] spec\.data\[0\]\.remoteRef\.property: .*Did you mean "password"/);
    // A path the admin policy does not grant is denied, and the stanza to add carries the child namespace.
    const outsideVerdict = await s.validate(outside);
    assert.equal(outsideVerdict.allowed, false);
    assert.match(outsideVerdict.message, /\[PolicyDenied\]/);
    assert.match(outsideVerdict.message, /path "team-a\/kv\/data\/other\/db"/);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'vault-team-a'), []);
    assert.deepEqual(errorsOf(run.report, 'app-db'), []);
    assert.deepEqual(errorsOf(run.report, 'app-db-typo'), ['PropertyNotFound spec.data[0].remoteRef.property']);
    assert.deepEqual(errorsOf(run.report, 'other-db'), ['PolicyDenied spec.data[0].remoteRef.key']);
  } finally {
    await s.close();
  }
});

test('auth.namespace outside the store namespace: not verifiable (info), never a denial', async () => {
  const sideways = structuredClone(store);
  ((sideways['spec'] as Obj)['provider'] as { vault: { auth: Obj } }).vault.auth['namespace'] = 'other';
  (STATE.auth as Record<string, unknown>)['other/kubernetes/'] = (STATE.auth as Record<string, unknown>)['admin/kubernetes/'];
  const s = await scenario([sideways, good], STATE);
  try {
    const verdict = await s.validate(good);
    assert.equal(verdict.allowed, true, verdict.message);
    const run = await s.check();
    assert.equal(run.code, 0, run.stderr);
    const info = run.report.findings.find((f) => f.resource.name === 'app-db' && f.code === 'NotVerifiable');
    assert.match(info?.message ?? '', /logs in under Vault namespace "other" \(auth.namespace\) and reads under "admin\/team-a"/);
  } finally {
    await s.close();
  }
});

test('namespace without auth.namespace: ESO logs in under admin/team-a, where no auth method is enabled; the denial names the namespace and auth.namespace', async () => {
  // The real-components suite's enterprise-namespaces scenario: ESO answers 403 on
  // admin/team-a's auth/kubernetes/login and marks the store InvalidProviderConfig.
  const noAuthNs = structuredClone(store);
  delete ((noAuthNs['spec'] as Obj)['provider'] as { vault: { auth: Obj } }).vault.auth['namespace'];
  const s = await scenario([noAuthNs, good], STATE);
  try {
    const verdict = await s.validate(noAuthNs);
    assert.equal(verdict.allowed, false);
    assert.match(verdict.message, /\[AuthMountNotFound\] spec\.provider\.vault\.auth\.kubernetes\.mountPath: .*auth mount "kubernetes" in Vault namespace "admin\/team-a", but Vault has no auth method enabled at that path there\./);
    assert.match(verdict.message, /Without spec\.provider\.vault\.auth\.namespace ESO logs in under the store's namespace "admin\/team-a".*set auth\.namespace/);
    const esVerdict = await s.validate(good);
    assert.equal(esVerdict.allowed, false);
    assert.match(esVerdict.message, /\[AuthMountNotFound\] spec\.secretStoreRef: /);
  } finally {
    await s.close();
  }
});

test('X-Vault-Namespace header with auth.namespace: ESO reads in the root namespace after the login; not verifiable, and the note says so', async () => {
  // ESO sets the namespace back to spec.namespace ("" when unset) after the auth.namespace login,
  // which drops the header; the real-components suite saw OpenBao's 403 on /v1/kv/data/app/config
  // with no namespace.
  const header = structuredClone(store);
  const vault = ((header['spec'] as Obj)['provider'] as { vault: Obj }).vault;
  delete vault['namespace'];
  vault['headers'] = { 'X-Vault-Namespace': 'admin/team-a' };
  const s = await scenario([header, good], STATE);
  try {
    const verdict = await s.validate(good);
    assert.equal(verdict.allowed, true, verdict.message);
    assert.match(verdict.warnings.join('\n'), /\[NotVerifiable\] spec\.secretStoreRef: .*logs in under Vault namespace "admin" \(auth\.namespace\) and reads under the root namespace \(.*set namespace: "admin\/team-a" to read there\)/);
  } finally {
    await s.close();
  }
});

test('the webhook\'s own token without stanzas for the namespaces: VaultUnavailable warnings (never a denial) that say to repeat the stanzas with the namespace path in front', async () => {
  // The deployed policy file alone, for a root-namespace token: Vault matches admin's sys/auth as
  // "admin/sys/auth", which it does not name (seen in the real-components suite the same way).
  const state = structuredClone(STATE) as unknown as { policies: Record<string, string> };
  state.policies['eso-vault-guard'] = readFileSync(WEBHOOK_POLICY_FILE, 'utf8');
  const s = await scenario([store, typo], state as unknown as VaultState);
  try {
    const verdict = await s.validate(typo);
    assert.equal(verdict.allowed, true, verdict.message);
    const warnings = verdict.warnings.join('\n');
    assert.match(warnings, /\[VaultUnavailable\] spec\.secretStoreRef: .*\[namespace admin\].*grant it the stanza from deploy\/vault\/eso-vault-guard-policy\.hcl with the namespace's path \(relative to the webhook's own namespace\) in front/);
  } finally {
    await s.close();
  }
});
