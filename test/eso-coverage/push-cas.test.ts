// Issue 15 item 12 (checkAndSet): a PushSecret's KV v2 writes as ESO v2.9.0 sends them
// (client_push.go: `options.cas` only with the store's checkAndSet.required; 0 when its read found
// no secret) and as KV v2 judges them (cas_required in the secret's metadata; cas ≠ current
// version; OpenBao's metadata_cas_required), through /validate and check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { baseState, clusterStore } from './fixtures.js';

function state() {
  const s = baseState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.auth['kubernetes/']!.roles['pusher'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['push'] };
  s.auth['kubernetes/']!.roles['blind'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['push-blind'] };
  s.policies['push'] = 'path "kv/data/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "kv/metadata/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\n';
  // Writes and data reads, no metadata read: nothing of the metadata may be told.
  s.policies['push-blind'] = 'path "kv/data/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "kv/metadata/pushed/*" {\n  capabilities = ["create", "update"]\n}\n';
  const managed = { 'managed-by': 'external-secrets' };
  s.secrets['kv/pushed/locked'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed, cas_required: true };
  s.secrets['kv/pushed/open'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed };
  s.secrets['kv/pushed/gone'] = { versions: [{ data: { token: 'x' } }, { data: { token: 'y' }, deleted: true }], custom_metadata: managed };
  s.secrets['kv/pushed/meta-locked'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed, metadata_cas_required: true };
  return s as never;
}

function push(name: string, store: string, remoteKey: string): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'PushSecret',
    metadata: { name, namespace: 'apps' },
    spec: {
      secretStoreRefs: [{ kind: 'ClusterSecretStore', name: store }],
      selector: { secret: { name: 'local' } },
      data: [{ match: { secretKey: 'token', remoteRef: { remoteKey, property: 'token' } } }],
    },
  };
}

test('checkAndSet: cas_required without checkAndSet, cas 0 over a deleted current version, OpenBao metadata_cas_required', async () => {
  const plain = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const cas = clusterStore('vault-cas', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } }, checkAndSet: { required: true } });
  const blind = clusterStore('vault-blind', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'blind' } } });
  const refusedNoCas = push('locked-no-cas', 'vault-push', 'pushed/locked');
  const lockedWithCas = push('locked-with-cas', 'vault-cas', 'pushed/locked');
  const openNoCas = push('open-no-cas', 'vault-push', 'pushed/open');
  const openWithCas = push('open-with-cas', 'vault-cas', 'pushed/open');
  const newWithCas = push('new-with-cas', 'vault-cas', 'pushed/new');
  const goneWithCas = push('gone-with-cas', 'vault-cas', 'pushed/gone');
  const goneNoCas = push('gone-no-cas', 'vault-push', 'pushed/gone');
  const metaLocked = push('meta-locked', 'vault-cas', 'pushed/meta-locked');
  const blindLocked = push('blind-locked', 'vault-blind', 'pushed/locked');
  const objects = [plain, cas, blind, refusedNoCas, lockedWithCas, openNoCas, openWithCas, newWithCas, goneWithCas, goneNoCas, metaLocked, blindLocked];
  const s = await scenario(objects, state());
  try {
    const r = await s.validate(refusedNoCas);
    assert.equal(r.allowed, false);
    assert.match(r.message, /\[CheckAndSetRefused\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: kv\/metadata\/pushed\/locked has cas_required, .*"check-and-set parameter required for this call".*could not write remote ref token to target secretstore vault-push/);
    assert.match(r.message, /checkAndSet\.required: true/);
    const g = await s.validate(goneWithCas);
    assert.equal(g.allowed, false);
    assert.match(g.message, /\[CheckAndSetRefused\].*current version \(2\) of kv\/data\/pushed\/gone is deleted.*"check-and-set parameter did not match the current version"/);
    assert.match(g.message, /vault kv undelete -versions=2 pushed\/gone/);
    const m = await s.validate(metaLocked);
    assert.equal(m.allowed, false);
    assert.match(m.message, /"metadata check-and-set parameter required for this call"/);
    for (const ok of [lockedWithCas, openNoCas, openWithCas, newWithCas, goneNoCas]) {
      const v = await s.validate(ok);
      assert.equal(v.allowed, true, `${(ok['metadata'] as { name: string }).name}: ${v.message}`);
    }
    // No oracle: a role that may not read the metadata is told nothing of cas_required.
    const b = await s.validate(blindLocked);
    assert.doesNotMatch(b.message, /CheckAndSetRefused|cas_required/);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'locked-no-cas'), ['CheckAndSetRefused spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'gone-with-cas'), ['CheckAndSetRefused spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'meta-locked'), ['CheckAndSetRefused spec.data[0].match.remoteRef.remoteKey']);
    for (const name of ['locked-with-cas', 'open-no-cas', 'open-with-cas', 'new-with-cas', 'gone-no-cas']) assert.deepEqual(errorsOf(run.report, name), [], name);
  } finally {
    await s.close();
  }
});
