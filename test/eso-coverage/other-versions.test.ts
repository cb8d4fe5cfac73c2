// Issue 15 item 3: ESO objects of an API version or kind the checks do not model are reported
// NotChecked (info) and counted and listed as skipped by `check`, never passed as clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../cli/check-support.js';
import { READ_EVERYWHERE_POLICY, scenario, type Obj } from './scenario.js';
import type { VaultState } from '../support/vault-double.js';

const SERVER = 'https://vault.example.internal:8200';
const STATE = {
  server: SERVER,
  mounts: { 'kv/': { type: 'kv', options: { version: '2' } } },
  auth: {},
  policies: { 'eso-vault-guard': READ_EVERYWHERE_POLICY },
  secrets: {},
} as unknown as VaultState;

const alpha: Obj = {
  apiVersion: 'external-secrets.io/v1alpha1',
  kind: 'ExternalSecret',
  metadata: { name: 'old', namespace: 'apps' },
  spec: { secretStoreRef: { name: 'nowhere', kind: 'SecretStore' }, target: { name: 'old' }, data: [{ secretKey: 'a', remoteRef: { key: 'typo' } }] },
};
const generator: Obj = {
  apiVersion: 'generators.external-secrets.io/v1alpha1',
  kind: 'Password',
  metadata: { name: 'pw', namespace: 'apps' },
  spec: { length: 32 },
};
const configMap: Obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated', namespace: 'apps' } };

test('a v1alpha1 ExternalSecret and a generator are NotChecked and skipped in check (json and text), an info over /validate', async () => {
  const s = await scenario([alpha, generator, configMap], STATE);
  try {
    const run = await s.check();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report.summary.skipped, 3);
    assert.deepEqual(run.report.skipped?.map((x) => `${x.kind} ${x.namespace}/${x.name}`), ['ConfigMap apps/unrelated', 'ExternalSecret apps/old', 'Password apps/pw']);
    assert.match(run.report.skipped?.[1]?.reason ?? '', /ExternalSecret external-secrets\.io\/v1alpha1 is not checked: .*ESO v2\.9\.0's CRDs serve ExternalSecret only as external-secrets\.io\/v1/);
    assert.match(run.report.skipped?.[2]?.reason ?? '', /Password generators\.external-secrets\.io\/v1alpha1 is not checked: the checks do not judge this kind/);
    const info = run.report.findings.filter((f) => f.code === 'NotChecked');
    assert.deepEqual(info.map((f) => [f.severity, f.resource.name, f.field]), [['info', 'old', 'apiVersion'], ['info', 'pw', 'apiVersion']]);
    assert.equal(info[0]?.hint, 'Write apiVersion: external-secrets.io/v1 (what ESO v2.9 serves) to have it checked.');

    const text = await runCli([s.manifests, '--format', 'text'], { env: { VAULT_TOKEN: 'unused' } });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /info \[NotChecked\] apiVersion: ExternalSecret external-secrets\.io\/v1alpha1 is not checked/);
    assert.match(text.stdout, /^3 objects skipped \(not checked\): ConfigMap v1, ExternalSecret external-secrets\.io\/v1alpha1, Password generators\.external-secrets\.io\/v1alpha1$/m);
    assert.match(text.stdout, /^0 objects checked: 0 errors, 0 warnings, 2 info$/m);

    const verdict = await s.validate(alpha);
    assert.equal(verdict.allowed, true);
    assert.ok(verdict.warnings.some((w) => w.startsWith('[NotChecked] apiVersion: ExternalSecret external-secrets.io/v1alpha1 is not checked')), verdict.warnings.join('\n'));
  } finally {
    await s.close();
  }
});

test('a PushSecret or ClusterPushSecret of another version than v1alpha1 is NotChecked, with the version that is checked', async () => {
  const push = (kind: string, name: string): Obj => ({
    apiVersion: 'external-secrets.io/v1beta1',
    kind,
    metadata: { name, ...(kind === 'PushSecret' ? { namespace: 'apps' } : {}) },
    spec: { secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'nowhere' }], selector: { secret: { name: 's' } }, data: [] },
  });
  const s = await scenario([push('PushSecret', 'p'), push('ClusterPushSecret', 'c')], STATE);
  try {
    const run = await s.check();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.report.skipped?.map((x) => x.reason).sort(), [
      "ClusterPushSecret external-secrets.io/v1beta1 is not checked: the checks model ClusterPushSecret as external-secrets.io/v1alpha1, the only version ESO v2.9.0's CRDs serve",
      "PushSecret external-secrets.io/v1beta1 is not checked: the checks model PushSecret as external-secrets.io/v1alpha1, the only version ESO v2.9.0's CRDs serve",
    ]);
  } finally {
    await s.close();
  }
});
