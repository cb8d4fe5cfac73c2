// Issue 14 item 1: names that become Vault paths cannot steer the webhook's own token. Each attack
// goes through /validate over HTTPS against the Vault double, which records every request: none may
// leave its endpoint family, and the answer must not depend on whether the target exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { postAdmission } from '../support/https-client.js';
import { admissionReview } from '../support/admission-fixtures.js';
import { startTestServers } from '../server/harness.js';
import { createAdmissionHandlers } from '../../src/checks/handlers.js';
import type { FailureMode } from '../../src/config/types.js';
import type { DoubleRequest } from '../support/vault-double.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from '../checks/support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
const SERVER = 'https://vault.platform.example.internal:8200';
const TEAM_B_DB = 'apps/team-b/db';

async function webhook(extra: Obj[] = [], failureMode: FailureMode = 'failOpen') {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  const handlers = createAdmissionHandlers({
    facts,
    lookup: manifestLookup([...loadManifests(PLATFORM), ...extra]),
    mode: 'enforce',
    failureMode,
    defaultAudiences: DEFAULT_AUDIENCES,
  });
  const servers = await startTestServers({ handlers });
  let uid = 0;
  return {
    double,
    /** Posts `obj` and returns the response text (uid neutralised) and the requests it caused. */
    async validate(obj: Obj): Promise<{ text: string; body: { response: { allowed: boolean; status?: { message?: string }; warnings?: string[] } }; requests: DoubleRequest[] }> {
      const before = double.requests.length;
      const id = `uid-${++uid}`;
      const res = await postAdmission(servers.webhookPort, '/validate', admissionReview(obj, { uid: id }), servers.ca);
      assert.equal(res.status, 200);
      return { text: res.text.replace(id, 'UID'), body: res.body, requests: double.requests.slice(before) };
    },
    async close() {
      await servers.close();
      await facts.close();
      await double.close();
    },
  };
}

function kubernetesStore(auth: Obj, extra: Obj = {}): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'attack', namespace: 'team-a' },
    spec: { provider: { vault: { server: SERVER, path: 'apps', version: 'v2', auth, ...extra } } },
  };
}

function es(key: string, store = 'vault', property?: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'x', namespace: 'team-a' },
    spec: { secretStoreRef: { name: store, kind: 'SecretStore' }, target: { name: 'x' }, data: [{ secretKey: 'v', remoteRef: { key, ...(property ? { property } : {}) } }] },
  };
}

/** The endpoint families the product uses (request-path.ts), with each name Vault could hold. */
const FAMILIES: RegExp[] = [
  /^\/v1\/sys\/(auth|mounts)$/,
  /^\/v1\/sys\/internal\/ui\/mounts\/apps\/(data|metadata)(\/[^/]+)*$/,
  /^\/v1\/auth\/kubernetes\/role\/[0-9A-Za-z_]([0-9A-Za-z_.-]*[0-9A-Za-z_])?$/,
  /^\/v1\/auth\/kubernetes\/config$/,
  /^\/v1\/sys\/policies\/acl\/[^/]+$/,
  /^\/v1\/apps\/(metadata|subkeys)\/team-a(\/[^/]+)+$/,
  /^\/v1\/apps\/metadata\/team-a\/?$/,
];

function assertInFamilies(requests: DoubleRequest[], what: string): void {
  for (const r of requests) {
    const segments = r.path.split('/').map((s) => decodeURIComponent(s));
    assert.ok(!segments.some((s) => s === '.' || s === '..'), `${what}: dot segment in ${r.path}`);
    assert.ok(FAMILIES.some((f) => f.test(r.path)), `${what}: request outside the endpoint families: ${r.method} ${r.path}`);
    assert.ok(!/^\/v1\/apps\/data\//.test(r.path), `${what}: a secret value was read: ${r.path}`);
  }
}

/** Posts `obj` with team-b's secret present, then with it deleted: the two answers must be identical. */
async function sameAnswerEitherWay(w: Awaited<ReturnType<typeof webhook>>, obj: Obj, what: string) {
  const saved = w.double.state.secrets[TEAM_B_DB];
  const existing = await w.validate(obj);
  delete w.double.state.secrets[TEAM_B_DB];
  const missing = await w.validate(obj);
  if (saved) w.double.state.secrets[TEAM_B_DB] = saved;
  assertInFamilies(existing.requests, `${what} (existing)`);
  assertInFamilies(missing.requests, `${what} (missing)`);
  assert.equal(existing.text, missing.text, `${what}: the answer depends on whether ${TEAM_B_DB} exists`);
  return existing;
}

const ROLE_ATTACKS = ['../../../apps/data/team-b/db', '..', '%2e%2e/%2e%2e/apps/data/team-b/db', 'team-a?x=1', 'team-a#x', 'team-a\nx', 'team-a/../team-b', 'auth/token/lookup-self'];

test('a kubernetes or jwt role name that is a path makes no request and is RoleNotFound, whatever exists', async () => {
  const w = await webhook();
  try {
    for (const role of ROLE_ATTACKS) {
      for (const auth of [
        { kubernetes: { mountPath: 'kubernetes', role, serviceAccountRef: { name: 'eso-reader' } } },
        { jwt: { path: 'kubernetes', role, kubernetesServiceAccountToken: { serviceAccountRef: { name: 'eso-reader' } } } },
      ]) {
        const what = `role ${JSON.stringify(role)} (${Object.keys(auth)[0]})`;
        const r = await sameAnswerEitherWay(w, kubernetesStore(auth), what);
        assert.ok(!r.requests.some((q) => q.path.startsWith('/v1/auth/kubernetes/role/')), `${what}: the role was requested`);
        assert.equal(r.body.response.allowed, false, what);
        assert.match(r.body.response.status?.message ?? '', /\[RoleNotFound\] spec\.provider\.vault\.auth\.(kubernetes|jwt)\.role: .*expected a Vault role name/, what);
      }
    }
  } finally {
    await w.close();
  }
});

test('a role name Vault allows (dots and dashes inside) is still looked up', async () => {
  const w = await webhook();
  try {
    const r = await w.validate(kubernetesStore({ kubernetes: { mountPath: 'kubernetes', role: 'team-a.v2_x', serviceAccountRef: { name: 'eso-reader' } } }));
    assert.ok(r.requests.some((q) => q.path === '/v1/auth/kubernetes/role/team-a.v2_x'));
    assert.match(r.body.response.status?.message ?? '', /\[RoleNotFound\].*Role "team-a\.v2_x" was not found/);
  } finally {
    await w.close();
  }
});

test('an auth mountPath or namespace that is a path makes no request outside its family, whatever exists', async () => {
  const w = await webhook();
  try {
    for (const mountPath of ['../apps/data/team-b/db', 'kubernetes/../../apps/data/team-b', 'kube?rnetes', 'kubernetes#', 'kuber\nnetes', '.']) {
      const what = `mountPath ${JSON.stringify(mountPath)}`;
      const r = await sameAnswerEitherWay(w, kubernetesStore({ kubernetes: { mountPath, role: 'db', serviceAccountRef: { name: 'eso-reader' } } }), what);
      assert.equal(r.body.response.allowed, true, what);
      assert.ok(r.body.response.warnings?.some((l) => /\[NotVerifiable\] .*auth mount path/.test(l)), `${what}: ${JSON.stringify(r.body.response.warnings)}`);
    }
    for (const namespace of ['../../apps/data/team-b', 'a b', 'ns\n']) {
      const what = `namespace ${JSON.stringify(namespace)}`;
      const r = await sameAnswerEitherWay(w, kubernetesStore({ kubernetes: { mountPath: 'kubernetes', role: 'team-a', serviceAccountRef: { name: 'eso-reader' } } }, { namespace }), what);
      assert.equal(r.requests.length, 0, `${what}: requests were sent`);
    }
  } finally {
    await w.close();
  }
});

test('a KV key with "..", "%2e%2e", "?", "#" or a newline never leaves the store\'s KV endpoints and answers the same either way', async () => {
  const w = await webhook();
  try {
    const keys = [
      '../team-b/db', 'team-a/../../team-b/db', 'team-a/../team-b/db', '../../../auth/token/lookup-self', '%2e%2e/team-b/db',
      'team-a/%2e%2e/%2e%2e/team-b/db', 'team-a/db?version=1', 'team-a/db#x', 'team-a/db\n', 'team-a/./db',
    ];
    for (const key of keys) {
      const what = `key ${JSON.stringify(key)}`;
      const r = await sameAnswerEitherWay(w, es(key, 'vault', 'password'), what);
      const message = `${r.body.response.status?.message ?? ''} ${(r.body.response.warnings ?? []).join(' ')}`;
      assert.doesNotMatch(message, /PropertyNotFound|"password"\?/, what);
    }
    // Through an allowed path, `.`/`..` are reported, not followed: ESO reads the cleaned path.
    const dotted = await w.validate(es('team-a/./db', 'vault', 'password'));
    assert.ok(dotted.body.response.warnings?.some((l) => /\[NotVerifiable\] spec\.data\[0\]\.remoteRef\.key: .*"\." segment.*ESO requests apps\/data\/team-a\/db/.test(l)));
    assert.equal(dotted.requests.filter((q) => q.path.includes('/subkeys/')).length, 0);
  } finally {
    await w.close();
  }
});

test('names ESO accepts and Vault serves are checked, not refused: spaces and a literal %2e%2e in a key', async () => {
  const w = await webhook();
  try {
    w.double.state.secrets['apps/team-a/with space'] = { versions: [{ data: { password: 'x' } }] };
    w.double.state.secrets['apps/team-a/%2e%2e'] = { versions: [{ data: { password: 'x' } }] };
    const spaced = await w.validate(es('team-a/with space', 'vault', 'passwrod'));
    assert.ok(spaced.requests.some((q) => q.path === '/v1/apps/subkeys/team-a/with%20space'));
    assert.match(spaced.body.response.status?.message ?? '', /\[PropertyNotFound\].*Did you mean "password"/);
    const literal = await w.validate(es('team-a/%2e%2e', 'vault', 'password'));
    assert.ok(literal.requests.some((q) => q.path === '/v1/apps/subkeys/team-a/%252e%252e'));
    assert.equal(literal.body.response.allowed, true, JSON.stringify(literal.body.response));
    assert.deepEqual(literal.body.response.warnings ?? [], []);
  } finally {
    await w.close();
  }
});
