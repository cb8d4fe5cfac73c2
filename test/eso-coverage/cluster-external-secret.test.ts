// Issue 15 item 1: a ClusterExternalSecret is checked as the ExternalSecret ESO creates in every
// selected namespace that exists, with that namespace's store conditions; selectors as
// LabelSelectorAsSelector validates them; through /validate and check, and registered in deploy/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { baseState, clusterStore } from './fixtures.js';

const ns = (name: string, labels: Record<string, string> = {}): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

function ces(name: string, spec: Obj): Obj {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterExternalSecret',
    metadata: { name },
    spec: {
      externalSecretName: 'db',
      externalSecretSpec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: { name: 'db' },
        data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }],
      },
      ...spec,
    },
  };
}

test('ClusterExternalSecret: checked per selected namespace with its store conditions; a typo names its namespaces; a bad selector is ESO\'s error', async () => {
  const store = clusterStore('vault', {}, { conditions: [{ namespaces: ['apps', 'web'] }] });
  const good = ces('db-everywhere', { namespaceSelectors: [{ matchLabels: { team: 'x' } }] });
  const typo = ces('db-typo', { namespaceSelectors: [{ matchLabels: { team: 'x' } }] });
  ((typo['spec'] as Obj)['externalSecretSpec'] as { data: { remoteRef: Obj }[] }).data[0]!.remoteRef['property'] = 'pasword';
  const tooWide = ces('db-too-wide', { namespaces: ['apps', 'batch', 'ghost'] });
  const badSelector = ces('db-bad-selector', { namespaceSelectors: [{ matchExpressions: [{ key: 'team', operator: 'In' }] }] });
  const objects = [ns('apps', { team: 'x' }), ns('web', { team: 'x' }), ns('batch'), store, good, typo, tooWide, badSelector];
  const s = await scenario(objects, baseState());
  try {
    assert.equal((await s.validate(good)).allowed, true);
    const t = await s.validate(typo);
    assert.equal(t.allowed, false);
    assert.match(t.message, /\[PropertyNotFound\] spec\.externalSecretSpec\.data\[0\]\.remoteRef\.property: In namespaces "apps", "web" \(ExternalSecret "db"\): kv\/data\/app\/db has no property "pasword"/);
    // "ghost" does not exist, so ESO creates nothing there; "batch" is not admitted by the store.
    const w = await s.validate(tooWide);
    assert.equal(w.allowed, false);
    assert.match(w.message, /\[StoreNamespaceNotAllowed\] spec\.externalSecretSpec\.secretStoreRef: In namespace "batch" \(ExternalSecret "db"\)/);
    assert.doesNotMatch(w.message, /ghost/);
    const b = await s.validate(badSelector);
    assert.equal(b.allowed, false);
    assert.match(b.message, /\[InvalidSelector\] spec\.namespaceSelectors\[0\]: ESO cannot convert this selector .*values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty/);

    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'db-everywhere'), []);
    assert.deepEqual(errorsOf(run.report, 'db-typo'), ['PropertyNotFound spec.externalSecretSpec.data[0].remoteRef.property']);
    assert.deepEqual(errorsOf(run.report, 'db-too-wide'), ['StoreNamespaceNotAllowed spec.externalSecretSpec.secretStoreRef']);
    assert.deepEqual(errorsOf(run.report, 'db-bad-selector'), ['InvalidSelector spec.namespaceSelectors[0]']);
    assert.equal(run.report.summary.skipped, 0);
  } finally {
    await s.close();
  }
});
