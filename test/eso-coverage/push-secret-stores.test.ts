// Issue 15 item 2: the stores a PushSecret pushes to as ESO chooses them (secretStoreRefs by name or
// labelSelector; pushsecret_controller.go GetSecretStores) and spec.dataTo (validateDataToStoreRefs,
// validateDataToMatchesResolvedStores, bundle remote keys, per-key pushes under the store's path),
// and updatePolicy IfNotExists; through /validate and check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { clusterStore, pushSecret, pushState } from './fixtures.js';

function state() {
  const s = pushState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.auth['kubernetes/']!.roles['reader'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['app-read'] };
  s.secrets['kv/pushed/handmade'] = { versions: [{ data: { token: 'x' } }], custom_metadata: { owner: 'ops' } };
  return s as never;
}

const push = pushSecret;

const byLabel = (labels: Record<string, string>): Obj => ({ kind: 'ClusterSecretStore', labelSelector: { matchLabels: labels } });
const toKey = (remoteKey: string, secretKey = 'token'): Obj => ({ match: { secretKey, remoteRef: { remoteKey } } });

test('PushSecret stores by labelSelector, dataTo and updatePolicy, as ESO resolves them', async () => {
  const pusher = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  (pusher['metadata'] as Obj)['labels'] = { push: 'yes', tier: 'write' };
  const reader = clusterStore('vault-read', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'reader' } } });
  (reader['metadata'] as Obj)['labels'] = { push: 'yes', tier: 'read' };
  const cases: Record<string, Obj> = {
    'by-label': push('by-label', { secretStoreRefs: [byLabel({ tier: 'write' })], data: [toKey('pushed/new')] }),
    // Both stores carry push=yes: ESO pushes through each, and the read-only one fails.
    'by-label-both': push('by-label-both', { secretStoreRefs: [byLabel({ push: 'yes' })], data: [toKey('pushed/new')] }),
    'by-label-none': push('by-label-none', { secretStoreRefs: [byLabel({ tier: 'nope' })], data: [toKey('pushed/new')] }),
    'bad-label': push('bad-label', { secretStoreRefs: [{ kind: 'ClusterSecretStore', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'In' }] } }], data: [toKey('pushed/new')] }),
    'dataTo-unlisted': push('dataTo-unlisted', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-pusher' }, remoteKey: 'pushed/bundle' }],
    }),
    'dataTo-bundle': push('dataTo-bundle', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, remoteKey: 'pushed/bundle', match: { regexp: '^DB_' } }],
    }),
    'dataTo-bundle-denied': push('dataTo-bundle-denied', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, remoteKey: 'app/bundle' }],
    }),
    'dataTo-per-key': push('dataTo-per-key', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, rewrite: [{ regexp: { source: '^', target: 'pushed/' } }] }],
    }),
    'dataTo-per-key-read-only': push('dataTo-per-key-read-only', {
      secretStoreRefs: [byLabel({ tier: 'read' })],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', labelSelector: { matchLabels: { tier: 'read' } } } }],
    }),
    'dataTo-selects-none': push('dataTo-selects-none', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', labelSelector: { matchLabels: { tier: 'read' } } }, remoteKey: 'pushed/bundle' }],
    }),
    'dataTo-bad-regexp': push('dataTo-bad-regexp', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, match: { regexp: '(DB_' } }],
    }),
    'dataTo-bad-selector': push('dataTo-bad-selector', {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }],
      dataTo: [{ storeRef: { kind: 'ClusterSecretStore', labelSelector: { matchExpressions: [{ key: 'tier', operator: 'Equals', values: ['write'] }] } }, remoteKey: 'pushed/bundle' }],
    }),
    'duplicate-remote': push('duplicate-remote', { secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }], data: [toKey('pushed/a', 'user'), toKey('pushed/a', 'password')] }),
    'if-not-exists': push('if-not-exists', { secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }], updatePolicy: 'IfNotExists', data: [toKey('pushed/handmade')] }),
    'replace-handmade': push('replace-handmade', { secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault-push' }], data: [toKey('pushed/handmade')] }),
  };
  const s = await scenario([pusher, reader, ...Object.values(cases)], state());
  try {
    const v = async (name: string) => s.validate(cases[name]!);
    assert.equal((await v('by-label')).allowed, true);
    const both = await v('by-label-both');
    assert.equal(both.allowed, false);
    assert.match(both.message, /\[PolicyDenied\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: ClusterSecretStore "vault-read" logs in as role "reader".*may not read kv\/data\/pushed\/new/);
    assert.doesNotMatch(both.message, /"vault-push"/);
    const none = await v('by-label-none');
    assert.equal(none.allowed, true);
    assert.ok(none.warnings.some((w) => w.startsWith('[NotVerifiable] spec.secretStoreRefs[0].labelSelector: No ClusterSecretStore has these labels, so ESO pushes nothing')), none.warnings.join('\n'));
    const bad = await v('bad-label');
    assert.equal(bad.allowed, false);
    assert.match(bad.message, /\[InvalidSelector\] spec\.secretStoreRefs\[0\]\.labelSelector: ESO cannot convert this selector and fails the PushSecret with "could not convert labels: values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"/);
    const unlisted = await v('dataTo-unlisted');
    assert.equal(unlisted.allowed, false);
    assert.match(unlisted.message, /\[MalformedReference\] spec\.dataTo\[0\]\.storeRef\.name: ClusterSecretStore "vault-pusher" is not among the stores spec\.secretStoreRefs names .*"dataTo\[0\]: storeRef \\?"vault-pusher\\?" not found in secretStoreRefs"/);
    assert.equal((await v('dataTo-bundle')).allowed, true);
    const bundleDenied = await v('dataTo-bundle-denied');
    assert.equal(bundleDenied.allowed, false);
    assert.match(bundleDenied.message, /\[PolicyDenied\] spec\.dataTo\[0\]\.remoteKey: .*may not read kv\/data\/app\/bundle/);
    const perKey = await v('dataTo-per-key');
    assert.equal(perKey.allowed, true);
    const readOnly = await v('dataTo-per-key-read-only');
    assert.equal(readOnly.allowed, false);
    assert.match(readOnly.message, /\[PolicyDenied\] spec\.dataTo\[0\]: ClusterSecretStore "vault-read" logs in as role "reader" .*may not create or update any path under kv\/data\/; every key this dataTo pushes \(the source Secret's keys\) lands there/);
    assert.match(readOnly.message, /may not create or update \(the managed-by marker\) any path under kv\/metadata\//);
    const selectsNone = await v('dataTo-selects-none');
    assert.equal(selectsNone.allowed, false);
    assert.match(selectsNone.message, /\[MalformedReference\] spec\.dataTo\[0\]\.storeRef\.labelSelector: .*"dataTo\[0\]: labelSelector does not match any store in secretStoreRefs"/);
    const badRe = await v('dataTo-bad-regexp');
    assert.match(badRe.message, /\[MalformedReference\] spec\.dataTo\[0\]\.match\.regexp: .*failed to compile regexp pattern/);
    const badSel = await v('dataTo-bad-selector');
    assert.equal(badSel.allowed, false);
    assert.match(badSel.message, /\[InvalidSelector\] spec\.dataTo\[0\]\.storeRef\.labelSelector: ESO cannot convert this selector\. ESO fails the PushSecret with "dataTo\[0\]: invalid labelSelector: \\"Equals\\" is not a valid label selector operator"/);
    const dup = await v('duplicate-remote');
    assert.match(dup.message, /\[MalformedReference\] spec\.data\[1\]\.match\.remoteRef\.remoteKey: .*duplicate remote key \\?"pushed\/a\\?": source keys \\?"user\\?" and \\?"password\\?" both map to the same destination/);
    // IfNotExists: ESO's SecretExists finds it and pushes nothing, so the unmanaged secret is no failure.
    assert.equal((await v('if-not-exists')).allowed, true);
    assert.match((await v('replace-handmade')).message, /\[SecretNotManaged\]/);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'by-label'), []);
    assert.deepEqual(errorsOf(run.report, 'dataTo-unlisted'), ['MalformedReference spec.dataTo[0].storeRef.name']);
    assert.deepEqual(errorsOf(run.report, 'dataTo-per-key-read-only'), ['PolicyDenied spec.dataTo[0]', 'PolicyDenied spec.dataTo[0]']);
    assert.deepEqual(errorsOf(run.report, 'if-not-exists'), []);
    assert.equal(run.report.summary.skipped, 0);
  } finally {
    await s.close();
  }
});
