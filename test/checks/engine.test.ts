// Engine behaviour beyond the examples: store checks gated by the role's own policies, Vault
// outages as could-not-check, and UPDATE short-cuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { checkObject, type CheckContext } from '../../src/checks/engine.js';
import { decide } from '../../src/checks/decide.js';
import { specUnchanged } from '../../src/checks/update.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from './support/example-harness.js';

const CLASSIC = join(OWN_EXAMPLES_DIR, 'classic-mistakes');

function css(name: string, vault: Obj): Obj {
  return { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name }, spec: { provider: { vault } } };
}

const k8sAuth = (role: string) => ({ kubernetes: { mountPath: 'kubernetes', role, serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } });

async function withFacts<T>(fn: (ctx: CheckContext, double: Awaited<ReturnType<typeof startFacts>>['double']) => Promise<T>, trust: CheckContext['trust'] = 'store-identity'): Promise<T> {
  const { double, facts } = await startFacts(join(CLASSIC, 'vault-state.json'));
  try {
    return await fn(
      { facts, lookup: manifestLookup(loadManifests(CLASSIC)), deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust },
      double,
    );
  } finally {
    await facts.close();
    await double.close();
  }
}

test('store mount existence is revealed only when the role\'s policies reach under the mount', async () => {
  const store = css('s', { server: 'https://vault.example.internal:8200', path: 'no-such-mount', version: 'v2', auth: k8sAuth('eso-monitoring') });
  const limited = await withFacts((ctx) => checkObject(store, ctx));
  assert.deepEqual(limited.findings.map((f) => [f.code, f.severity]), [['PolicyDenied', 'warning']]);
  const operator = await withFacts((ctx) => checkObject(store, ctx), 'operator');
  assert.deepEqual(operator.findings.map((f) => f.code).sort(), ['MountNotFound', 'PolicyDenied']);
});

test('role-not-found wording keeps open that the store may not see it', async () => {
  const store = css('s', { server: 'https://vault.example.internal:8200', path: 'secret', version: 'v2', auth: k8sAuth('nope') });
  const r = await withFacts((ctx) => checkObject(store, ctx));
  assert.equal(r.findings[0]?.code, 'RoleNotFound');
  assert.match(r.findings[0]?.message ?? '', /was not found at auth mount "kubernetes", or ClusterSecretStore "s" cannot see it/);
  assert.equal(r.findings[0]?.field, 'spec.provider.vault.auth.kubernetes.role');
});

test('a sealed Vault is could-not-check: failOpen allows with a warning, failClosed denies with 500', async () => {
  const es: Obj = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'x', namespace: 'apps' },
    spec: { secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'a', remoteRef: { key: 'app/db', property: 'password' } }] },
  };
  const result = await withFacts(async (ctx, double) => {
    double.seal();
    return checkObject(es, ctx);
  });
  assert.ok(result.couldNotCheck.length > 0);
  assert.ok(result.findings.every((f) => f.severity !== 'error'));
  assert.ok(result.findings.some((f) => f.code === 'VaultUnavailable'));
  assert.equal(decide(result, { mode: 'enforce', failureMode: 'failOpen' }).allowed, true);
  const closed = decide(result, { mode: 'enforce', failureMode: 'failClosed' });
  assert.equal(closed.allowed, false);
  assert.equal(closed.statusCode, 500);
});

test('non-Vault providers pass untouched', async () => {
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'aws' }, spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1' } } } };
  const r = await withFacts((ctx) => checkObject(store, ctx));
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.couldNotCheck, []);
});

test('UPDATE with an unchanged spec needs no Vault; a changed spec or our annotations do', () => {
  const a = { kind: 'ExternalSecret', metadata: { name: 'x', labels: { a: '1' } }, spec: { data: [{ secretKey: 'k' }] }, status: { ready: true } };
  const statusOnly = { ...a, metadata: { name: 'x', labels: { a: '2' } }, status: { ready: false } };
  assert.equal(specUnchanged(statusOnly, a), true);
  assert.equal(specUnchanged({ ...a, spec: { data: [] } }, a), false);
  assert.equal(specUnchanged({ ...a, metadata: { name: 'x', annotations: { 'eso-vault-guard.io/mode': 'warn' } } }, a), false);
  assert.equal(specUnchanged(a, undefined), false);
});

test('referent ClusterSecretStore: checked alone, the role must exist but the binding is not verifiable', async () => {
  const referent = (role: string) =>
    css('r', { server: 'https://vault.example.internal:8200', path: 'secret', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role, serviceAccountRef: { name: 'external-secrets' } } } });
  const ok = await withFacts((ctx) => checkObject(referent('external-secrets'), ctx));
  assert.deepEqual(ok.findings.map((f) => [f.code, f.severity]), [['NotVerifiable', 'info']]);
  const missing = await withFacts((ctx) => checkObject(referent('nope'), ctx));
  assert.deepEqual(missing.findings.map((f) => f.code), ['RoleNotFound']);
});

test('an ExternalSecret through a referent store presents its own namespace\'s ServiceAccount', async () => {
  const store = css('referent', {
    server: 'https://vault.example.internal:8200', path: 'secret', version: 'v2',
    auth: { kubernetes: { mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets' } } },
  });
  const es: Obj = {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' },
    spec: { secretStoreRef: { name: 'referent', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'a', remoteRef: { key: 'app/db', property: 'password' } }] },
  };
  const r = await withFacts((ctx) => checkObject(es, { ...ctx, lookup: manifestLookup([...loadManifests(CLASSIC), store]) }));
  assert.deepEqual(r.findings.map((f) => [f.code, f.field]), [['RoleBindingMismatch', 'spec.secretStoreRef']]);
  assert.match(r.findings[0]?.message ?? '', /namespace not authorized/);
});

test('deletionPolicy Delete: a missing secret is skipped by ESO, so it is a warning', async () => {
  const es: Obj = {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' },
    spec: {
      secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
      target: { creationPolicy: 'Owner', deletionPolicy: 'Delete' },
      data: [{ secretKey: 'a', remoteRef: { key: 'app/gone', property: 'password' } }],
    },
  };
  const r = await withFacts((ctx) => checkObject(es, ctx));
  assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['SecretNotFound', 'warning']]);
  assert.equal(decide(r, { mode: 'enforce', failureMode: 'failOpen' }).allowed, true);
});

test('a role without the default policy cannot pass ESO\'s lookup-self store validation: warning', async () => {
  const store = css('s', { server: 'https://vault.example.internal:8200', path: 'secret', version: 'v2', auth: k8sAuth('eso-nodefault') });
  const r = await withFacts(async (ctx, double) => {
    const roles = double.state.auth['kubernetes/']?.roles;
    assert.ok(roles);
    roles['eso-nodefault'] = { ...roles['external-secrets'], token_no_default_policy: true };
    return checkObject(store, ctx);
  });
  assert.deepEqual(r.findings.map((f) => [f.code, f.severity]), [['PolicyDenied', 'warning']]);
  assert.match(r.findings[0]?.message ?? '', /auth\/token\/lookup-self/);
});

test('metadata-only mode: existence from KV v2 metadata, no data read, properties left unchecked', async () => {
  const { double, facts } = await startFacts(join(CLASSIC, 'vault-state.json'), { metadataOnly: true });
  try {
    const ctx: CheckContext = { facts, lookup: manifestLookup(loadManifests(CLASSIC)), deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' };
    const es = (key: string, property: string): Obj => ({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' },
      spec: { secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'a', remoteRef: { key, property } }] },
    });
    assert.deepEqual((await checkObject(es('app/gone', 'password'), ctx)).findings.map((f) => f.code), ['SecretNotFound']);
    assert.deepEqual((await checkObject(es('app/db', 'no-such-property'), ctx)).findings, []);
    assert.ok(!double.requests.some((r) => r.path.startsWith('/v1/secret/data/') || r.path.startsWith('/v1/secret/subkeys/')), double.requests.map((r) => r.path).join('\n'));
  } finally {
    await facts.close();
    await double.close();
  }
});

test('malformed or foreign objects never throw', async () => {
  const inputs: unknown[] = [
    null,
    42,
    [],
    { kind: 'ExternalSecret' },
    { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' }, spec: { data: 'nope' } },
    { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'x' }, spec: { provider: { vault: {} } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
  ];
  await withFacts(async (ctx) => {
    for (const input of inputs) {
      const r = await checkObject(input, ctx);
      assert.ok(Array.isArray(r.findings));
    }
  });
});

test('an omitted kind with only a ClusterSecretStore of that name: StoreNotFound says to set the kind', async () => {
  const es: Obj = {
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' },
    spec: { secretStoreRef: { name: 'vault-backend' }, data: [{ secretKey: 'a', remoteRef: { key: 'app/db', property: 'password' } }] },
  };
  const r = await withFacts((ctx) => checkObject(es, ctx));
  assert.deepEqual(r.findings.map((f) => f.code), ['StoreNotFound']);
  assert.match(r.findings[0]?.hint ?? '', /set spec\.secretStoreRef\.kind: ClusterSecretStore/);
});
