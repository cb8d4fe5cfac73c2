// ClusterSecretStore spec.conditions as ESO's client manager evaluates them, and store resolution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEsoObject, planExternalSecret, storeAdmitsNamespace, createOfflineLookup, type StoreModel, type ParsedEsoObject } from '../../src/eso/index.js';

function css(conditions: unknown[] | undefined, kind = 'ClusterSecretStore'): StoreModel {
  const p = parseEsoObject({
    apiVersion: 'external-secrets.io/v1', kind, metadata: { name: 'vault', namespace: 'ns' },
    spec: { ...(conditions ? { conditions } : {}), provider: { vault: { server: 'https://v:8200', path: 'secret', auth: { kubernetes: { role: 'r' } } } } },
  });
  assert.ok(p.kind === 'ClusterSecretStore' || p.kind === 'SecretStore');
  return p.model;
}

test('no conditions (absent or empty) allow every namespace', () => {
  assert.equal(storeAdmitsNamespace(css(undefined), 'any', {}).allowed, true);
  assert.equal(storeAdmitsNamespace(css([]), 'any', {}).allowed, true);
});

test('conditions are ignored on a SecretStore', () => {
  assert.equal(storeAdmitsNamespace(css([{ namespaces: ['x'] }], 'SecretStore'), 'other', {}).allowed, true);
});

test('namespaces match by the kubernetes.io/metadata.name label (set even if the labels lack it)', () => {
  const s = css([{ namespaces: ['team-a'] }]);
  assert.equal(storeAdmitsNamespace(s, 'team-a', {}).allowed, true);
  assert.equal(storeAdmitsNamespace(s, 'team-b', {}).allowed, false);
});

test('namespaceRegexes are Go RE2 and unanchored', () => {
  const s = css([{ namespaceRegexes: ['team-a'] }]);
  assert.equal(storeAdmitsNamespace(s, 'my-team-a-prod', {}).allowed, true);
  assert.equal(storeAdmitsNamespace(s, 'team-b', {}).allowed, false);
  const anchored = css([{ namespaceRegexes: ['^team-a$'] }]);
  assert.equal(storeAdmitsNamespace(anchored, 'my-team-a-prod', {}).allowed, false);
  // RE2-only syntax that JS RegExp rejects or reads differently.
  const flags = css([{ namespaceRegexes: ['(?i)^TEAM-\\pL+$'] }]);
  assert.equal(storeAdmitsNamespace(flags, 'team-abc', {}).allowed, true);
});

test('namespaceSelector: matchLabels, matchExpressions, {} matches everything', () => {
  const s = css([{ namespaceSelector: { matchLabels: { env: 'dev' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] } }]);
  assert.equal(storeAdmitsNamespace(s, 'a', { env: 'dev' }).allowed, true);
  assert.equal(storeAdmitsNamespace(s, 'a', { env: 'dev', tier: 'db' }).allowed, false);
  assert.equal(storeAdmitsNamespace(s, 'a', { env: 'prod' }).allowed, false);
  const exists = css([{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }]);
  assert.equal(storeAdmitsNamespace(exists, 'a', { team: 'x' }).allowed, true);
  assert.equal(storeAdmitsNamespace(exists, 'a', {}).allowed, false);
  assert.equal(storeAdmitsNamespace(css([{ namespaceSelector: {} }]), 'a', {}).allowed, true);
  const bad = storeAdmitsNamespace(css([{ namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'Equals', values: ['v'] }] } }]), 'a', { k: 'v' });
  assert.equal(bad.allowed, false);
  assert.match(bad.reason, /failed to convert label selector/);
});

test('conditions are OR-ed across entries and criteria; an empty condition matches nothing', () => {
  const s = css([{ namespaces: ['x'] }, { namespaceRegexes: ['^y'] }, {}]);
  assert.equal(storeAdmitsNamespace(s, 'x', {}).allowed, true);
  assert.equal(storeAdmitsNamespace(s, 'yes', {}).allowed, true);
  assert.equal(storeAdmitsNamespace(s, 'z', {}).allowed, false);
  assert.equal(storeAdmitsNamespace(css([{}]), 'z', {}).allowed, false);
});

test('unknown namespace labels never cause a denial by selector', () => {
  const s = css([{ namespaceSelector: { matchLabels: { env: 'dev' } } }]);
  const r = storeAdmitsNamespace(s, 'a', undefined);
  assert.equal(r.allowed, true);
  assert.equal(r.undetermined, true);
  // Name-only conditions are decided without labels.
  assert.equal(storeAdmitsNamespace(css([{ namespaces: ['b'] }]), 'a', undefined).allowed, false);
});

test('an invalid regex is a store problem with ESO\'s webhook text', () => {
  const p = parseEsoObject({
    apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'v' },
    spec: { conditions: [{ namespaces: ['a'] }, { namespaceRegexes: ['ok', '(?<x'] }], provider: { vault: { server: 's' } } },
  });
  assert.ok(p.kind === 'ClusterSecretStore');
  assert.equal(p.problems[0]?.field, 'spec.conditions[1].namespaceRegexes[1]');
  assert.match(p.problems[0]?.message ?? '', /^failed to compile 1th namespace regex in 1th condition: /);
});

function objects(docs: unknown[]): ParsedEsoObject[] {
  return docs.map((d) => parseEsoObject(d));
}

const es = (spec: Record<string, unknown>, namespace = 'app'): Record<string, unknown> => ({
  apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace }, spec,
});
const vaultStore = (kind: string, name: string, extra: Record<string, unknown> = {}, namespace?: string): Record<string, unknown> => ({
  apiVersion: 'external-secrets.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { ...extra, provider: { vault: { server: 'https://v:8200', path: 'secret', auth: { kubernetes: { role: 'r' } } } } },
});

test('store resolution: default kind SecretStore in the ES namespace, per-entry overrides replace it', () => {
  const objs = objects([
    vaultStore('SecretStore', 'local', {}, 'app'),
    vaultStore('ClusterSecretStore', 'shared'),
    es({
      secretStoreRef: { name: 'local' },
      data: [
        { secretKey: 'a', remoteRef: { key: 'a' } },
        { secretKey: 'b', remoteRef: { key: 'b' }, sourceRef: { storeRef: { name: 'shared', kind: 'ClusterSecretStore' } } },
        { secretKey: 'c', remoteRef: { key: 'c' }, sourceRef: { storeRef: { name: 'shared' } } },
      ],
    }),
  ]);
  const lookup = createOfflineLookup(objs, { name: 'external-secrets', namespace: 'external-secrets' });
  const model = objs[2];
  assert.ok(model?.kind === 'ExternalSecret');
  const plans = planExternalSecret(model.model, lookup);
  assert.equal(plans[0]?.store?.name, 'local');
  assert.equal(plans[0]?.storeRef?.kindDefaulted, true);
  assert.equal(plans[1]?.store?.kind, 'ClusterSecretStore');
  assert.equal(plans[1]?.storeRef?.field, 'spec.data[1].sourceRef.storeRef');
  // An override without kind means SecretStore (not inherited); none is named "shared" → not found, with a hint.
  assert.equal(plans[2]?.store, undefined);
  assert.equal(plans[2]?.problems[0]?.code, 'StoreNotFound');
  assert.match(plans[2]?.problems[0]?.message ?? '', /could not get SecretStore \\"shared\\", secretstores.external-secrets.io \\"shared\\" not found/);
  assert.match(plans[2]?.problems[0]?.hint ?? '', /kind: ClusterSecretStore/);
});

test('a SecretStore in another namespace is not found; a denied namespace gets StoreNamespaceNotAllowed', () => {
  const objs = objects([
    vaultStore('SecretStore', 'local', {}, 'other'),
    vaultStore('ClusterSecretStore', 'restricted', { conditions: [{ namespaces: ['prod'] }] }),
    es({ secretStoreRef: { name: 'local' }, data: [{ secretKey: 'a', remoteRef: { key: 'a' } }] }),
    es({ secretStoreRef: { name: 'restricted', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'a', remoteRef: { key: 'a' } }] }),
  ]);
  const lookup = createOfflineLookup(objs, { name: 'eso', namespace: 'eso' });
  const [, , a, b] = objs;
  assert.ok(a?.kind === 'ExternalSecret' && b?.kind === 'ExternalSecret');
  assert.equal(planExternalSecret(a.model, lookup)[0]?.problems[0]?.code, 'StoreNotFound');
  const denied = planExternalSecret(b.model, lookup)[0]?.problems[0];
  assert.equal(denied?.code, 'StoreNamespaceNotAllowed');
  assert.equal(denied?.field, 'spec.secretStoreRef');
  assert.match(denied?.message ?? '', /using cluster store \\"restricted\\" is not allowed from namespace \\"app\\": denied by spec.condition/);
  assert.match(denied?.hint ?? '', /namespaces \["prod"\]/);
});
