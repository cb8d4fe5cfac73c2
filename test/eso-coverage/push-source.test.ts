// Issue 15: a PushSecret's source (spec.selector: secret.name, generatorRef, secret.selector) and
// spec.template as ESO v2.9.0's controller resolves them (pushsecret_controller.go resolveSecrets,
// pushsecret_controller_template.go): what fails before any store ("could not get source secret"),
// and every other shape judged on its Vault pushes alone, with no false denial; /validate and check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { clusterStore, pushSecret, pushState, tokenPush } from './fixtures.js';

function state() {
  const s = pushState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string> };
  return s as never;
}

const push = (name: string, spec: Obj): Obj => pushSecret(name, { ...tokenPush('vault-push', `pushed/${name}`), ...spec });

test('PushSecret source: an empty secret selector and an unconvertible label selector fail; names, labels, generators and templates pass', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const empty = push('empty-secret', { selector: { secret: {} } });
  const badLabels = push('bad-labels', { selector: { secret: { selector: { matchLabels: { 'app/x/y': 'z' } } } } });
  const badOperator = push('bad-operator', { selector: { secret: { selector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] } } } });
  const byName = push('by-name', { selector: { secret: { name: 'local' } } });
  // The name wins: the selector is never converted.
  const nameWins = push('name-wins', { selector: { secret: { name: 'local', selector: { matchLabels: { 'app/x/y': 'z' } } } } });
  const byLabels = push('by-labels', { selector: { secret: { selector: { matchLabels: { push: 'yes' } } } } });
  const generator = push('generator', { selector: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'pw' } }, data: [{ match: { secretKey: 'password', remoteRef: { remoteKey: 'pushed/generated', property: 'password' } } }] });
  const templated = push('templated', {
    selector: { secret: { name: 'local' } },
    template: { engineVersion: 'v2', data: { token: '{{ .raw | upper }}', other: '{{ .missing' }, templateFrom: [{ literal: '{{ .x }}' }], metadata: { labels: { a: 'b' } } },
  });
  const objects = [store, empty, badLabels, badOperator, byName, nameWins, byLabels, generator, templated];
  const s = await scenario(objects, state());
  try {
    const e = await s.validate(empty);
    assert.equal(e.allowed, false);
    assert.match(e.message, /\[MalformedReference\] spec\.selector\.secret: spec\.selector\.secret names no Secret, no label selector and no generator.*"no secret selector provided".*ESO fails the PushSecret with \\?"could not get source secret\\?"/);
    const l = await s.validate(badLabels);
    assert.equal(l.allowed, false);
    assert.match(l.message, /\[InvalidSelector\] spec\.selector\.secret\.selector: ESO cannot convert this label selector \(.*\).*"could not get source secret/);
    const o = await s.validate(badOperator);
    assert.match(o.message, /\[InvalidSelector\] spec\.selector\.secret\.selector: .*"Equals" is not a valid label selector operator/);
    for (const ok of [byName, nameWins, byLabels, generator, templated]) {
      const v = await s.validate(ok);
      assert.equal(v.allowed, true, `${(ok['metadata'] as { name: string }).name}: ${v.message}`);
    }
    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'empty-secret'), ['MalformedReference spec.selector.secret']);
    assert.deepEqual(errorsOf(run.report, 'bad-labels'), ['InvalidSelector spec.selector.secret.selector']);
    for (const name of ['by-name', 'name-wins', 'by-labels', 'generator', 'templated']) assert.deepEqual(errorsOf(run.report, name), [], name);
  } finally {
    await s.close();
  }
});

test('PushSecret template: a templateFrom ConfigMap or item key that does not exist stops ESO before the push', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const cm: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'push-tpl', namespace: 'apps' }, data: { token: '{{ .token | upper }}' } };
  const from = (name: string, key: string): Obj => ({ selector: { secret: { name: 'local' } }, template: { templateFrom: [{ configMap: { name, items: [{ key }] } }] } });
  const good = push('tpl-good', from('push-tpl', 'token'));
  const missing = push('tpl-missing', from('push-tlp', 'token'));
  const missingKey = push('tpl-missing-key', from('push-tpl', 'tokn'));
  const s = await scenario([store, cm, good, missing, missingKey], state(), { kubeObjects: [cm] });
  try {
    assert.equal((await s.validate(good)).allowed, true);
    const m = await s.validate(missing);
    assert.equal(m.allowed, false);
    assert.match(m.message, /\[TemplateSourceNotFound\] spec\.template\.templateFrom\[0\]\.configMap\.name: Expected ConfigMap apps\/push-tlp to exist .*"error fetching templateFrom data: configmaps \\"push-tlp\\" not found"/);
    const k = await s.validate(missingKey);
    assert.match(k.message, /\[TemplateSourceNotFound\] spec\.template\.templateFrom\[0\]\.configMap\.items\[0\]\.key: .*"error fetching templateFrom data: error in configmap push-tpl: missing key tokn"/);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'tpl-good'), []);
    assert.deepEqual(errorsOf(run.report, 'tpl-missing-key'), ['TemplateSourceNotFound spec.template.templateFrom[0].configMap.items[0].key']);
  } finally {
    await s.close();
  }
});

test('PushSecret dataTo rewrite: the CRD rule "exactly one of regexp or transform" (check reads files the API server never saw)', async () => {
  const store = clusterStore('vault-push', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'pusher' } } });
  const both = push('rewrite-both', { selector: { secret: { name: 'local' } }, data: [], dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, rewrite: [{ regexp: { source: 'a', target: 'b' }, transform: { template: '{{ .value }}' } }] }] });
  const one = push('rewrite-one', { selector: { secret: { name: 'local' } }, data: [], dataTo: [{ storeRef: { kind: 'ClusterSecretStore', name: 'vault-push' }, rewrite: [{ regexp: { source: 'a', target: 'b' } }] }] });
  const s = await scenario([store, both, one], state());
  try {
    const b = await s.validate(both);
    assert.equal(b.allowed, false);
    assert.match(b.message, /\[MalformedReference\] spec\.dataTo\[0\]\.rewrite\[0\]: .*exactly one of regexp or transform must be set/);
    assert.equal((await s.validate(one)).allowed, true);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'rewrite-both'), ['MalformedReference spec.dataTo[0].rewrite[0]']);
  } finally {
    await s.close();
  }
});
