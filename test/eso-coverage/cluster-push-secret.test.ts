// Issue 15 item 2: a ClusterPushSecret is checked as the PushSecret ESO creates in every existing
// namespace its namespaceSelectors select, with that namespace's store conditions; through /validate
// and check (a typo exits 1 with the finding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { clusterStore, pushState } from './fixtures.js';

const ns = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

function state() {
  const s = pushState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.secrets['kv/pushed/handmade'] = { versions: [{ data: { token: 'x' } }], custom_metadata: { owner: 'ops' } };
  return s as never;
}

function cps(name: string, selectors: Obj[], store = 'vault-push', remoteKey = 'pushed/token'): Obj {
  return {
    apiVersion: 'external-secrets.io/v1alpha1',
    kind: 'ClusterPushSecret',
    metadata: { name },
    spec: {
      pushSecretName: 'token',
      namespaceSelectors: selectors,
      pushSecretSpec: {
        secretStoreRefs: [{ kind: 'ClusterSecretStore', name: store }],
        selector: { secret: { name: 'token' } },
        data: [{ match: { secretKey: 'token', remoteRef: { remoteKey } } }],
      },
    },
  };
}

test('ClusterPushSecret: checked per selected namespace with its store conditions; a typo names its namespaces; a bad selector is ESO\'s error', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } }, { conditions: [{ namespaces: ['apps', 'web'] }] });
  const teamX = { matchLabels: { team: 'x' } };
  const good = cps('token-everywhere', [teamX]);
  const typo = cps('token-typo', [teamX], 'vault-pusher');
  const tooWide = cps('token-too-wide', [{}]);
  const unmanaged = cps('token-handmade', [teamX], 'vault-push', 'pushed/handmade');
  const badSelector = cps('token-bad-selector', [{ matchExpressions: [{ key: 'team', operator: 'Equals', values: ['x'] }] }]);
  const noSelectors = cps('token-nowhere', []);
  const objects = [ns('apps', { team: 'x' }), ns('web', { team: 'x' }), ns('batch'), store, good, typo, tooWide, unmanaged, badSelector, noSelectors];
  const s = await scenario(objects, state());
  try {
    assert.equal((await s.validate(good)).allowed, true);
    const t = await s.validate(typo);
    assert.equal(t.allowed, false);
    assert.match(t.message, /\[StoreNotFound\] spec\.pushSecretSpec\.secretStoreRefs\[0\]: In namespaces "apps", "web" \(PushSecret "token"\): ClusterSecretStore "vault-pusher" does not exist/);
    const w = await s.validate(tooWide);
    assert.equal(w.allowed, false);
    assert.match(w.message, /\[StoreNamespaceNotAllowed\] spec\.pushSecretSpec\.secretStoreRefs\[0\]: In namespace "batch" \(PushSecret "token"\): .*using cluster store \\?"vault-push\\?" is not allowed from namespace \\?"batch\\?"/);
    const u = await s.validate(unmanaged);
    assert.equal(u.allowed, false);
    assert.match(u.message, /\[SecretNotManaged\] spec\.pushSecretSpec\.data\[0\]\.match\.remoteRef\.remoteKey: In namespaces "apps", "web" \(PushSecret "token"\): .*"secret not managed by external-secrets"/);
    const b = await s.validate(badSelector);
    assert.equal(b.allowed, false);
    assert.match(b.message, /\[InvalidSelector\] spec\.namespaceSelectors\[0\]: ESO cannot convert this selector, creates the PushSecret in no namespace and marks the ClusterPushSecret "failed to get target Namespaces" \(failed to convert label selector …: "Equals" is not a valid label selector operator\)/);
    const n = await s.validate(noSelectors);
    assert.equal(n.allowed, true);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'token-everywhere'), []);
    assert.deepEqual(errorsOf(run.report, 'token-typo'), ['StoreNotFound spec.pushSecretSpec.secretStoreRefs[0]']);
    assert.deepEqual(errorsOf(run.report, 'token-too-wide'), ['StoreNamespaceNotAllowed spec.pushSecretSpec.secretStoreRefs[0]']);
    assert.deepEqual(errorsOf(run.report, 'token-handmade'), ['SecretNotManaged spec.pushSecretSpec.data[0].match.remoteRef.remoteKey']);
    assert.deepEqual(errorsOf(run.report, 'token-bad-selector'), ['InvalidSelector spec.namespaceSelectors[0]']);
    assert.equal(run.report.summary.skipped, 0);
  } finally {
    await s.close();
  }
});
