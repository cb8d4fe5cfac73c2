// Each fact kind through real HTTP against the Vault double: answer mapping, caching, coalescing,
// namespaces, TLS, metadata-only mode, and unknown servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { METADATA_ONLY_DETAIL, VALUES_NOT_READ_DETAIL, type VaultClientConfig } from '../../src/vault/index.js';
import { inMs, makeService } from './helpers.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth', 'vault-state.json');
const SERVER = 'https://vault.example.internal:8200';

function withTokenFile(config: VaultClientConfig, token: string): VaultClientConfig {
  const file = join(mkdtempSync(join(tmpdir(), 'vault-token-')), 'token');
  writeFileSync(file, token);
  return { ...config, servers: config.servers.map((s) => ({ ...s, login: { method: 'token', tokenFile: file } })) };
}

const dataRequests = (d: VaultDouble, path: string) => d.requests.filter((r) => r.path === `/v1/${path}`).length;

test('each fact kind is fetched from Vault once, then served from the cache', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    assert.deepEqual(facts.ready(), { ready: true });
    const lookups = {
      mount: () => facts.mountForPath(SERVER, 'kv/dev/data/postgres', inMs(2000)),
      authMounts: () => facts.authMounts(SERVER, inMs(2000)),
      role: () => facts.authRole(SERVER, 'dev-kubernetes', 'external-secrets', inMs(2000)),
      config: () => facts.authConfig(SERVER, 'dev-kubernetes/', inMs(2000)),
      policy: () => facts.policyText(SERVER, 'dev-external-secrets-policy', inMs(2000)),
      metadata: () => facts.kvMetadata(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, inMs(2000)),
      shape: () => facts.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, undefined, { ...inMs(2000), kvVersion: '2' }),
      list: () => facts.listKeys(SERVER, { mount: 'kv/dev/', folder: '', kvVersion: '2' }, inMs(2000)),
    };
    const first: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(lookups)) first[name] = await run();
    const sent = double.requests.length;
    for (const [name, run] of Object.entries(lookups)) {
      const again = (await run()) as { status: string; source: string };
      assert.equal(again.status, 'ok', name);
      assert.match(again.source, /\(cache\)$/, name);
    }
    assert.equal(double.requests.length, sent, 'cached lookups send nothing');

    assert.deepEqual(first.mount, { status: 'ok', value: { mountPath: 'kv/dev/', type: 'kv', kvVersion: '2', accessor: (first.mount as { value: { accessor: string } }).value.accessor }, source: 'GET sys/internal/ui/mounts/kv/dev/data/postgres' });
    const auth = first.authMounts as { status: 'ok'; value: Record<string, { type: string; accessor: string }> };
    assert.deepEqual(auth.value['dev-kubernetes/'], { path: 'dev-kubernetes/', type: 'kubernetes', accessor: 'auth_kubernetes_5c1e7a20' });
    assert.deepEqual((first.role as { value: { token_policies: string[] } }).value.token_policies, ['dev-external-secrets-policy']);
    assert.equal((first.config as { value: { kubernetes_host: string } }).value.kubernetes_host, 'https://10.69.1.110:6443');
    assert.match((first.policy as { value: string }).value, /path "kv\/dev\/data\/\*"/);
    assert.deepEqual((first.metadata as { value: unknown }).value, {
      currentVersion: 1, oldestVersion: 0, customMetadataKeys: [], customMetadataDigests: {}, casRequired: false,
      versions: { 1: { createdTime: '2026-01-01T00:00:00Z', deletionTime: '', destroyed: false } },
    });
    const shape = first.shape as { value: { state: string; shape: { keys: Record<string, unknown> }; version: number } };
    assert.equal(shape.value.state, 'present');
    assert.deepEqual(Object.keys(shape.value.shape.keys).sort(), ['database', 'host', 'password', 'port', 'username']);
    assert.equal(shape.value.version, 1);
    assert.deepEqual((first.list as { value: string[] }).value, ['postgres']);
    assert.ok(double.requests.some((r) => r.path === '/v1/kv/dev/metadata' && r.method === 'GET' && r.query.list === 'true'), 'LIST sent as GET ?list=true');
    assert.ok(double.requests.some((r) => r.path === '/v1/kv/dev/subkeys/postgres'), 'the structure comes from subkeys');
    assert.ok(!double.requests.some((r) => r.path.startsWith('/v1/kv/dev/data/')), 'no value is read');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('negative answers: missing secret, unknown role/policy/mount, and the sys/mounts fallback', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    const shape = await facts.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'redis' }, undefined, { ...inMs(2000), kvVersion: '2' });
    assert.deepEqual(shape, { status: 'ok', value: { state: 'missing' }, source: 'GET kv/dev/subkeys/redis' });
    assert.equal((await facts.authRole(SERVER, 'dev-kubernetes', 'nope', inMs(2000))).status, 'not_found');
    assert.equal((await facts.policyText(SERVER, 'nope', inMs(2000))).status, 'not_found');
    assert.equal((await facts.kvMetadata(SERVER, { mount: 'kv/dev/', secretPath: 'redis' }, inMs(2000))).status, 'not_found');
    assert.equal((await facts.listKeys(SERVER, { mount: 'kv/dev/', folder: 'empty/', kvVersion: '2' }, inMs(2000))).status, 'not_found');
    const mount = await facts.mountForPath(SERVER, 'nowhere/data/x', inMs(2000));
    assert.equal(mount.status, 'not_found');
    assert.match(mount.source, /^GET sys\/mounts/);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('KV v2 deleted, destroyed, versioned and invalid-path reads map to their SecretReadFact states', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const versions = double.state.secrets['kv/dev/postgres']!.versions;
  versions.push({ data: { password: 'v2' }, deleted: true }, { data: { password: 'v3' }, destroyed: true });
  const { facts } = makeService(withTokenFile(webhookVaultConfig(double), double.issueToken(['root'])));
  const read = (secretPath: string, version?: string) => facts.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath }, version, { ...inMs(2000), kvVersion: '2' });
  try {
    await facts.start();
    const destroyed = await read('postgres');
    assert.deepEqual(destroyed.status === 'ok' && destroyed.value, { state: 'destroyed', version: 3 });
    const deleted = await read('postgres', '2');
    assert.equal(deleted.status === 'ok' && deleted.value.state, 'deleted');
    assert.equal(deleted.status === 'ok' && deleted.value.state === 'deleted' && deleted.value.version, 2);
    const v1 = await read('postgres', '1');
    assert.equal(v1.status === 'ok' && v1.value.state === 'present' && v1.value.version, 1);
    assert.ok(double.requests.some((r) => r.query.version === '1'));
    const missingVersion = await read('postgres', '9');
    assert.deepEqual(missingVersion.status === 'ok' && missingVersion.value, { state: 'missing' });
    // A KV v1 read of a v2 mount (values: only with the mount's opt-in) meets the invalid-path warning.
    const plain = makeService(withTokenFile(webhookVaultConfig(double), double.issueToken(['root']))).facts;
    const config = withTokenFile(webhookVaultConfig(double), double.issueToken(['root']));
    const optedIn = makeService({ ...config, servers: config.servers.map((s) => ({ ...s, valueReadMounts: ['kv/dev/'] })) }).facts;
    try {
      const notRead = await plain.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, undefined, { ...inMs(2000), kvVersion: '1' });
      assert.equal(notRead.status === 'unavailable' && notRead.detail, VALUES_NOT_READ_DETAIL);
      const invalid = await optedIn.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, undefined, { ...inMs(2000), kvVersion: '1' });
      assert.equal(invalid.status === 'ok' && invalid.value.state, 'invalid_path');
    } finally {
      await plain.close();
      await optedIn.close();
    }
  } finally {
    await facts.close();
    await double.close();
  }
});

test('KV v1 reads and lists through the webhook policy plus a per-mount stanza', async () => {
  const double = await startVaultDouble({
    state: {
      mounts: { 'kv1/': { type: 'kv', options: { version: '1' } } }, auth: {}, policies: {},
      secrets: { 'kv1/app/config': { versions: [{ data: { user: 'u', nested: { a: 1 } } }] } },
    },
  });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    const mount = await facts.mountForPath(double.url, 'kv1/app/config', inMs(2000));
    assert.equal(mount.status === 'ok' && mount.value.kvVersion, '1');
    const shape = await facts.readSecretShape(double.url, { mount: 'kv1/', secretPath: 'app/config' }, undefined, { ...inMs(2000), kvVersion: '1' });
    assert.deepEqual(shape.status === 'ok' && shape.value.state === 'present' && JSON.parse(JSON.stringify(shape.value.shape)),
      { type: 'object', keys: { user: { type: 'string' }, nested: { type: 'object', keys: { a: { type: 'number' } } } } });
    assert.deepEqual((await facts.listKeys(double.url, { mount: 'kv1/', folder: '', kvVersion: '1' }, inMs(2000))).status === 'ok' ? 'listed' : 'no', 'listed');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('100 concurrent lookups of one fact send one Vault request', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    await facts.start();
    double.setLatencyMs(50); // keep the first request in flight while the others arrive
    const all = await Promise.all(Array.from({ length: 100 }, () =>
      facts.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, undefined, { ...inMs(2000), kvVersion: '2' })));
    assert.ok(all.every((f) => f.status === 'ok'));
    assert.equal(dataRequests(double, 'kv/dev/subkeys/postgres'), 1);
    assert.equal(facts.stats().coalesced, 99);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('paths under one mount share one mount lookup, also while it is in flight; a path outside it asks again', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double));
  const mountRequests = () => double.requests.filter((r) => r.path.startsWith('/v1/sys/internal/ui/mounts/') || r.path === '/v1/sys/mounts').map((r) => r.path);
  try {
    await facts.start();
    double.setLatencyMs(30); // the first lookup is still in flight when the others start
    const concurrent = await Promise.all(['kv/dev/data/postgres', 'kv/dev/data/redis', 'kv/dev/metadata/team/'].map((p) => facts.mountForPath(SERVER, p, inMs(2000))));
    const later = await facts.mountForPath(SERVER, 'kv/dev/subkeys/other', inMs(2000));
    for (const fact of [...concurrent, later]) {
      assert.equal(fact.status, 'ok');
      assert.equal(fact.status === 'ok' && fact.value.mountPath, 'kv/dev/');
    }
    assert.match(later.source, /whose mount kv\/dev\/ serves kv\/dev\/subkeys\/other \(cache\)$/);
    assert.deepEqual(mountRequests(), ['/v1/sys/internal/ui/mounts/kv/dev/data/postgres'], 'one lookup for the mount');
    // A path under no known mount is asked (and answered not_found through the mount table).
    assert.equal((await facts.mountForPath(SERVER, 'nowhere/data/x', inMs(2000))).status, 'not_found');
    assert.equal(mountRequests().length, 3);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('metadata-only mode sends no data request', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double, { metadataOnly: true }));
  try {
    await facts.start();
    assert.equal(facts.metadataOnly, true);
    const shape = await facts.readSecretShape(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, undefined, { ...inMs(2000), kvVersion: '2' });
    assert.deepEqual(shape, { status: 'unavailable', source: 'GET kv/dev/subkeys/postgres (not sent)', detail: METADATA_ONLY_DETAIL });
    assert.equal((await facts.kvMetadata(SERVER, { mount: 'kv/dev/', secretPath: 'postgres' }, inMs(2000))).status, 'ok');
    assert.equal(double.requests.filter((r) => r.path.includes('/data/') || r.path.includes('/subkeys/')).length, 0);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a store naming an unknown server gets not_configured without any request', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double));
  try {
    const before = double.requests.length;
    assert.equal(facts.isConfigured('https://vault.example.internal:8200/'), true);
    assert.equal(facts.isConfigured('https://other.example:8200'), false);
    const fact = await facts.authMounts('https://other.example:8200', inMs(1000));
    assert.deepEqual(fact, { status: 'not_configured', source: 'GET sys/auth', server: 'https://other.example:8200' });
    assert.equal(double.requests.length, before);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('a store namespace is sent as X-Vault-Namespace and keys the cache', async () => {
  const double = await startVaultDouble({
    state: {
      mounts: { 'team-a/secret/': { type: 'kv', options: { version: '2' } } }, auth: {}, policies: {},
      secrets: { 'team-a/secret/app': { versions: [{ data: { k: 'v' } }] } },
    },
  });
  const { facts } = makeService(withTokenFile(webhookVaultConfig(double), double.issueToken(['root'])));
  try {
    await facts.start();
    const fact = await facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, undefined, { ...inMs(2000), kvVersion: '2', namespace: 'team-a/' });
    assert.equal(fact.status === 'ok' && fact.value.state, 'present');
    assert.match(fact.source, /namespace team-a\//);
    const withoutNs = await facts.readSecretShape(double.url, { mount: 'secret/', secretPath: 'app' }, undefined, { ...inMs(2000), kvVersion: '2' });
    assert.deepEqual(withoutNs.status === 'ok' && withoutNs.value, { state: 'missing' }, 'the root namespace has no such mount');
    assert.deepEqual(double.requests.filter((r) => r.path === '/v1/secret/subkeys/app').map((r) => r.namespace), ['team-a/', '']);
  } finally {
    await facts.close();
    await double.close();
  }
});

test('HTTPS with a CA file from the config', async () => {
  const double = await startVaultDouble({ state: KV_DEV, tls: true });
  const config = webhookVaultConfig(double);
  assert.ok(config.servers[0]?.caFile);
  const { facts } = makeService(config);
  try {
    await facts.start();
    assert.deepEqual(facts.ready(), { ready: true });
    assert.equal((await facts.authMounts(SERVER, inMs(2000))).status, 'ok');
  } finally {
    await facts.close();
    await double.close();
  }
});

test('several Vault servers: each lookup goes to the server the store names', async () => {
  const first = await startVaultDouble({ state: KV_DEV });
  const second = await startVaultDouble({ state: join(OWN_EXAMPLES_DIR, 'per-app-roles', 'vault-state.json') });
  const a = webhookVaultConfig(first);
  const b = webhookVaultConfig(second);
  const config = { ...a, servers: [{ ...a.servers[1]!, url: first.url }, { ...b.servers[1]!, url: second.url }] };
  const { facts } = makeService(config);
  try {
    await facts.start();
    const one = await facts.authMounts(first.url, inMs(2000));
    const two = await facts.authMounts(second.url, inMs(2000));
    assert.ok(one.status === 'ok' && 'dev-kubernetes/' in one.value && !('kubernetes/' in one.value));
    assert.ok(two.status === 'ok' && 'kubernetes/' in two.value && !('dev-kubernetes/' in two.value));
    assert.equal(first.requests.filter((r) => r.path === '/v1/sys/auth').length, 1);
    assert.equal(second.requests.filter((r) => r.path === '/v1/sys/auth').length, 1);
  } finally {
    await facts.close();
    await first.close();
    await second.close();
  }
});

test('a budgeted lookup that falls back to sys/mounts inside its own slot does not wait for a second one', async () => {
  const double = await startVaultDouble({ state: KV_DEV });
  const { facts } = makeService(webhookVaultConfig(double, { budget: { lookupsPerObject: 10, concurrencyPerObject: 1, concurrentLookups: 1 } }));
  try {
    await facts.start();
    const budget = facts.openBudget(Date.now() + 2000);
    const mount = await facts.mountForPath(SERVER, 'nowhere/data/x', { ...inMs(2000), budget });
    assert.equal(mount.status, 'not_found', JSON.stringify(mount));
    assert.match(mount.source, /^GET sys\/mounts/);
  } finally {
    await facts.close();
    await double.close();
  }
});
