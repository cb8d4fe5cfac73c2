// Issue 15 item 2: PushSecret as ESO's Vault provider pushes it (client_push.go): the store's
// login as for an ExternalSecret, then read of the current secret, the metadata marker check,
// create/update of metadata and data, delete with deletionPolicy Delete; through /validate and check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { clusterStore, pushSecret, pushState, tokenPush } from './fixtures.js';

function state() {
  const s = pushState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.auth['kubernetes/']!.roles['reader'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['app-read'] };
  s.secrets['kv/pushed/managed'] = { versions: [{ data: { token: 'x' } }], custom_metadata: { 'managed-by': 'external-secrets' } };
  s.secrets['kv/pushed/handmade'] = { versions: [{ data: { token: 'x' } }], custom_metadata: { owner: 'ops' } };
  return s as never;
}

const push = (name: string, store: string, remoteKey: string, extra: Obj = {}): Obj => pushSecret(name, { ...tokenPush(store, remoteKey), ...extra });

test('PushSecret: allowed pushes, a read-only role, an unmanaged existing secret, a typo in the store, deletionPolicy Delete without delete', async () => {
  const pusher = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const reader = clusterStore('vault-read', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'reader' } } });
  const fresh = push('fresh', 'vault-push', 'pushed/new');
  const managed = push('managed', 'vault-push', 'pushed/managed');
  const handmade = push('handmade', 'vault-push', 'pushed/handmade');
  const readOnly = push('read-only', 'vault-read', 'app/new');
  const typo = push('store-typo', 'vault-pusher', 'pushed/new');
  // The whole Secret pushed to one key (no property): DeleteSecret deletes data and metadata.
  const deleting = push('deleting', 'vault-push', 'pushed/new', { deletionPolicy: 'Delete', data: [{ match: { remoteRef: { remoteKey: 'pushed/new' } } }] });
  const s = await scenario([pusher, reader, fresh, managed, handmade, readOnly, typo, deleting], state());
  try {
    assert.equal((await s.validate(fresh)).allowed, true);
    assert.equal((await s.validate(managed)).allowed, true);
    const h = await s.validate(handmade);
    assert.equal(h.allowed, false);
    assert.match(h.message, /\[SecretNotManaged\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: kv\/data\/pushed\/handmade exists without ESO's marker .*"secret not managed by external-secrets"/);
    const r = await s.validate(readOnly);
    assert.equal(r.allowed, false);
    assert.match(r.message, /\[PolicyDenied\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: .*may not create kv\/metadata\/app\/new; ESO writes the managed-by marker/);
    assert.match(r.message, /may not create kv\/data\/app\/new/);
    const t = await s.validate(typo);
    assert.match(t.message, /\[StoreNotFound\] spec\.secretStoreRefs\[0\]: ClusterSecretStore "vault-pusher" does not exist/);
    const d = await s.validate(deleting);
    assert.equal(d.allowed, true);
    assert.ok(d.warnings.some((w) => w.startsWith('[PolicyDenied] spec.deletionPolicy:') && w.includes('may not delete kv/data/pushed/new')), d.warnings.join('\n'));

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'fresh'), []);
    assert.deepEqual(errorsOf(run.report, 'handmade'), ['SecretNotManaged spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'store-typo'), ['StoreNotFound spec.secretStoreRefs[0]']);
    assert.equal(run.report.summary.skipped, 0);
  } finally {
    await s.close();
  }
});

test('no oracle: an unmanaged secret the store may not read is never named', async () => {
  const reader = clusterStore('vault-read', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'reader' } } });
  const handmade = push('handmade', 'vault-read', 'pushed/handmade');
  const s = await scenario([reader, handmade], state());
  try {
    const v = await s.validate(handmade);
    assert.match(v.message, /\[PolicyDenied\].*may not read kv\/data\/pushed\/handmade/);
    assert.doesNotMatch(v.message, /SecretNotManaged|managed-by/);
  } finally {
    await s.close();
  }
});
