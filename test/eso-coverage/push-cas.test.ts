// Issue 15 item 12 (checkAndSet): a PushSecret's KV v2 writes as ESO v2.9.0 sends them
// (client_push.go: `options.cas` only with the store's checkAndSet.required; 0 when its read found
// no secret) and as KV v2 judges them (cas_required in the secret's metadata; cas ≠ current
// version; OpenBao's metadata_cas_required), through /validate and check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { clusterStore, pushSecret, pushState, tokenPush } from './fixtures.js';

function state() {
  const s = pushState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.auth['kubernetes/']!.roles['blind'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['push-blind'] };
  // Writes and data reads, no metadata read: nothing of the metadata may be told.
  s.policies['push-blind'] = 'path "kv/data/pushed/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "kv/metadata/pushed/*" {\n  capabilities = ["create", "update"]\n}\n';
  const managed = { 'managed-by': 'external-secrets' };
  s.secrets['kv/pushed/locked'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed, cas_required: true };
  s.secrets['kv/pushed/open'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed };
  s.secrets['kv/pushed/gone'] = { versions: [{ data: { token: 'x' } }, { data: { token: 'y' }, deleted: true }], custom_metadata: managed };
  s.secrets['kv/pushed/meta-locked'] = { versions: [{ data: { token: 'x' } }], custom_metadata: managed, metadata_cas_required: true };
  return s as never;
}

const push = (name: string, store: string, remoteKey: string): Obj => pushSecret(name, tokenPush(store, remoteKey));

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
    // Over an existing managed secret ESO writes only when the value changes: a warning, never a denial.
    const r = await s.validate(refusedNoCas);
    assert.equal(r.allowed, true, r.message);
    assert.match(r.warnings.join('\n'), /ESO writes nothing while the pushed value equals what Vault holds/);
    assert.match(r.warnings.join('\n'), /\[CheckAndSetRefused\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: kv\/metadata\/pushed\/locked has cas_required, .*"check-and-set parameter required for this call".*could not write remote ref token to target secretstore vault-push/);
    const g = await s.validate(goneWithCas);
    assert.equal(g.allowed, false);
    assert.match(g.message, /\[CheckAndSetRefused\].*current version \(2\) of kv\/data\/pushed\/gone is deleted.*"check-and-set parameter did not match the current version"/);
    assert.match(g.message, /vault kv undelete -versions=2 pushed\/gone/);
    const m = await s.validate(metaLocked);
    assert.equal(m.allowed, true, m.message);
    assert.match(m.warnings.join('\n'), /"metadata check-and-set parameter required for this call"/);
    for (const ok of [lockedWithCas, openNoCas, openWithCas, newWithCas, goneNoCas]) {
      const v = await s.validate(ok);
      assert.equal(v.allowed, true, `${(ok['metadata'] as { name: string }).name}: ${v.message}`);
    }
    // No oracle: a role that may not read the metadata is told nothing of cas_required.
    const b = await s.validate(blindLocked);
    assert.doesNotMatch(b.message, /CheckAndSetRefused|cas_required/);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'locked-no-cas'), []);
    const lockedWarning = run.report.findings.find((f) => f.resource.name === 'locked-no-cas' && f.code === 'CheckAndSetRefused');
    assert.equal(lockedWarning?.severity, 'warning');
    assert.match(lockedWarning?.hint ?? '', /checkAndSet\.required: true/);
    assert.deepEqual(errorsOf(run.report, 'gone-with-cas'), ['CheckAndSetRefused spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'meta-locked'), []);
    for (const name of ['locked-with-cas', 'open-no-cas', 'open-with-cas', 'new-with-cas', 'gone-no-cas']) assert.deepEqual(errorsOf(run.report, name), [], name);
  } finally {
    await s.close();
  }
});

function mountState(webhookMayReadConfig: boolean) {
  const s = state() as unknown as { mounts: Record<string, unknown>; policies: Record<string, string>; auth: Record<string, { roles: Record<string, unknown> }> };
  s.mounts['strict/'] = { type: 'kv', options: { version: '2' }, config: { cas_required: true } };
  s.mounts['bao/'] = { type: 'kv', options: { version: '2' }, config: { cas_required: false, metadata_cas_required: true } };
  s.auth['kubernetes/']!.roles['strict'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['strict-push'] };
  s.auth['kubernetes/']!.roles['strict-read'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['strict-read'] };
  s.policies['strict-push'] = ['strict', 'bao'].map((m) => `path "${m}/data/*" {\n  capabilities = ["create", "read", "update"]\n}\npath "${m}/metadata/*" {\n  capabilities = ["create", "read", "update"]\n}\n`).join('');
  s.policies['strict-read'] = 'path "strict/data/*" {\n  capabilities = ["read"]\n}\npath "strict/metadata/*" {\n  capabilities = ["read"]\n}\n';
  if (!webhookMayReadConfig) s.policies['eso-vault-guard'] += 'path "strict/config" {\n  capabilities = ["deny"]\n}\n';
  return s as never;
}

const mountStore = (name: string, path: string, role: string, extra: Obj = {}) => clusterStore(name, { path, auth: { kubernetes: { mountPath: 'kubernetes', role } }, ...extra });

test('checkAndSet: the engine config (cas_required, OpenBao metadata_cas_required), told only to a role that may write', async () => {
  const strict = mountStore('vault-strict', 'strict', 'strict');
  const strictCas = mountStore('vault-strict-cas', 'strict', 'strict', { checkAndSet: { required: true } });
  const strictRead = mountStore('vault-strict-read', 'strict', 'strict-read');
  const bao = mountStore('vault-bao', 'bao', 'strict', { checkAndSet: { required: true } });
  const noCas = push('strict-no-cas', 'vault-strict', 'app/new');
  const withCas = push('strict-with-cas', 'vault-strict-cas', 'app/new');
  const readOnly = push('strict-read-only', 'vault-strict-read', 'app/new');
  const metaCas = push('bao-meta-cas', 'vault-bao', 'app/new');
  const objects = [strict, strictCas, strictRead, bao, noCas, withCas, readOnly, metaCas];
  const s = await scenario(objects, mountState(true));
  try {
    const n = await s.validate(noCas);
    assert.equal(n.allowed, false);
    assert.match(n.message, /\[CheckAndSetRefused\] spec\.data\[0\]\.match\.remoteRef\.remoteKey: the engine config strict\/config sets cas_required, and the store does not set spec\.provider\.vault\.checkAndSet\.required, so ESO writes strict\/data\/app\/new without "cas"; Vault refuses the write with "check-and-set parameter required for this call"/);
    assert.equal((await s.validate(withCas)).allowed, true);
    const r = await s.validate(readOnly);
    assert.match(r.message, /\[PolicyDenied\]/);
    assert.doesNotMatch(r.message, /cas_required|CheckAndSetRefused/);
    const m = await s.validate(metaCas);
    assert.equal(m.allowed, false);
    assert.match(m.message, /the engine config bao\/config sets metadata_cas_required, .*"metadata check-and-set parameter required for this call"/);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'strict-no-cas'), ['CheckAndSetRefused spec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'strict-with-cas'), []);
  } finally {
    await s.close();
  }
  // A webhook policy without read on <mount>/config leaves it unjudged: no finding, no "could not check".
  const quiet = await scenario([strict, noCas], mountState(false));
  try {
    const v = await quiet.validate(noCas);
    assert.equal(v.allowed, true, v.message);
    assert.deepEqual(v.warnings, []);
  } finally {
    await quiet.close();
  }
});

test('a v2 store on a KV v1 mount: <mount>/config is a secret there and is never asked', async () => {
  const st = mountState(true) as unknown as { mounts: Record<string, unknown>; secrets: Record<string, unknown>; policies: Record<string, string> };
  st.mounts['legacy/'] = { type: 'kv', options: { version: '1' } };
  st.secrets['legacy/config'] = { versions: [{ data: { cas_required: true } }] };
  st.policies['strict-push'] += 'path "legacy/*" {\n  capabilities = ["create", "read", "update"]\n}\n';
  const store = mountStore('vault-legacy', 'legacy', 'strict');
  const ps = push('legacy-push', 'vault-legacy', 'app/new');
  const s = await scenario([store, ps], st as never);
  try {
    await s.validate(ps);
    assert.deepEqual(s.vaultRequests().filter((r) => r.path.startsWith('/v1/legacy/config')), []);
  } finally {
    await s.close();
  }
});
