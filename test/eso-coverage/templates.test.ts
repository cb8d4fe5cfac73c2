// Issue 15 items 5 and 10, the parts ESO's controller reaches after the Vault reads, end to end
// (/validate over HTTPS with a Kubernetes double, and `check`): rewrite merge/transform keys, and
// target.template with templateFrom ConfigMap/Secret/literal sources and metadata templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';
import { runCli, type JsonReport } from '../cli/check-support.js';

function state() {
  const s = baseState() as unknown as { secrets: Record<string, unknown> };
  s.secrets['kv/app/nested'] = { versions: [{ data: { primary: { host: 'a', port: '1' }, replica: { host: 'b' }, extra: { user: 'u' } } }], custom_metadata: {} };
  s.secrets['kv/app/texts'] = { versions: [{ data: { one: '{"k":"v"}' } }], custom_metadata: {} };
  s.secrets['kv/ops/db'] = { versions: [{ data: { password: 'x' } }], custom_metadata: {} };
  return s as never;
}

const configMap = (name: string, data: Record<string, string>, namespace = 'apps'): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });

const dbData = [
  { secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } },
  { secretKey: 'username', remoteRef: { key: 'app/db', property: 'username' } },
];

const templated = (name: string, template: Obj, target: Obj = {}) => externalSecret(name, { data: dbData, target: { name, ...target, template } });

const fromConfigMap = (cm: string, items: Obj[], extra: Obj = {}) => ({ templateFrom: [{ configMap: { name: cm, items }, ...extra }] });

const tplConfigMap = configMap('db-tpl', {
  config: 'url: postgres://{{ .username }}:{{ .pasword }}@db',
  good: 'postgres://{{ .username }}:{{ .password }}@db',
  kv: 'team: {{ .usernme }}',
});

test('templateFrom ConfigMap: a missing ConfigMap or item key and a template reading an unknown key are ESO\'s errors; Secrets are never read', async () => {
  const typo = templated('cm-typo', fromConfigMap('db-tpl', [{ key: 'config' }]));
  const missing = templated('cm-missing', fromConfigMap('db-tlp', [{ key: 'config' }]));
  const missingKey = templated('cm-missing-key', fromConfigMap('db-tpl', [{ key: 'absent' }]));
  const keysAndValues = templated('cm-kv', fromConfigMap('db-tpl', [{ key: 'kv', templateAs: 'KeysAndValues' }], { target: 'Labels' }));
  const good = templated('cm-good', fromConfigMap('db-tpl', [{ key: 'good' }]));
  const secretSource = templated('secret-source', { templateFrom: [{ secret: { name: 'db-tpl-secret', items: [{ key: 'config' }] } }] });
  // Attacks: another namespace's ConfigMap, and a name that would become another URL.
  const otherNamespace = templated('cm-other-namespace', fromConfigMap('shared-tpl', [{ key: 'config' }]));
  const traversal = templated('cm-traversal', fromConfigMap('../../secrets/db', [{ key: 'config' }]));
  const objects = [clusterStore('vault'), tplConfigMap, typo, missing, missingKey, keysAndValues, good, secretSource];
  const kubeObjects = [tplConfigMap, configMap('shared-tpl', { config: '{{ .password }}' }, 'other'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-tpl-secret', namespace: 'apps' }, data: { config: 'e3sgLnggfX0=' } }];
  const s = await scenario(objects, state(), { kubeObjects });
  try {
    const t = await s.validate(typo);
    assert.equal(t.allowed, false);
    assert.match(t.message, /\[TemplateKeyNotFound\] spec\.target\.template\.templateFrom\[0\]\.configMap\.items\[0\]\.key: The template in ConfigMap apps\/db-tpl key "config" reads "pasword", but this ExternalSecret produces only "password", "username"; ESO renders with missingkey=error and fails with "could not apply template: error fetching templateFrom data: unable to execute template at key config: unable to execute template at key config: template: config:1:35: executing \\"config\\" at <\.pasword>: map has no entry for key \\"pasword\\""\. Fix: Did you mean "password"\?/);
    const m = await s.validate(missing);
    assert.equal(m.allowed, false);
    assert.match(m.message, /\[TemplateSourceNotFound\] spec\.target\.template\.templateFrom\[0\]\.configMap\.name: Expected ConfigMap apps\/db-tlp to exist .*ESO fails with "could not apply template: error fetching templateFrom data: configmaps \\"db-tlp\\" not found"/);
    const k = await s.validate(missingKey);
    assert.match(k.message, /\[TemplateSourceNotFound\] spec\.target\.template\.templateFrom\[0\]\.configMap\.items\[0\]\.key: .*"could not apply template: error fetching templateFrom data: error in configmap db-tpl: missing key absent"/);
    const kv = await s.validate(keysAndValues);
    // KeysAndValues: Go names the template by its whole text.
    assert.match(kv.message, /\[TemplateKeyNotFound\] .*items\[0\]\.key: .*unable to execute template at key team: \{\{ \.usernme \}\}: .*template: team: \{\{ \.usernme \}\}:1:9: .*Did you mean "username"\?/);
    assert.equal((await s.validate(good)).allowed, true);
    const sec = await s.validate(secretSource);
    assert.equal(sec.allowed, true, sec.message);
    // ESO reads the ConfigMap in the ExternalSecret's namespace only; so does the webhook.
    assert.match((await s.validate(otherNamespace)).message, /\[TemplateSourceNotFound\] .*configmaps \\"shared-tpl\\" not found/);
    const tr = await s.validate(traversal);
    assert.equal(tr.allowed, true, tr.message);
    assert.ok(tr.warnings.length === 0 || !tr.warnings.some((w) => w.includes('TemplateSourceNotFound')));
    // The webhook asked for the named ConfigMaps in the ExternalSecret's namespace, and for no Secret.
    const paths = new Set(s.kube?.requests.map((r) => `${r.method} ${r.path} ${r.status}`));
    assert.ok(paths.has('GET /api/v1/namespaces/apps/configmaps/db-tpl 200'), [...paths].join('\n'));
    assert.ok(paths.has('GET /api/v1/namespaces/apps/configmaps/db-tlp 404'), [...paths].join('\n'));
    assert.ok(!s.kube?.requests.some((r) => r.path.includes('/secrets')), 'no Secret was read');
    assert.ok(!s.kube?.requests.some((r) => r.path.includes('/namespaces/other/') || r.path.includes('..')), [...paths].join('\n'));

    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'cm-typo'), ['TemplateKeyNotFound spec.target.template.templateFrom[0].configMap.items[0].key']);
    // `check` reads ConfigMaps from its files only: the one not among them is not verifiable.
    assert.deepEqual(errorsOf(run.report, 'cm-missing'), []);
    assert.deepEqual(errorsOf(run.report, 'cm-missing-key'), ['TemplateSourceNotFound spec.target.template.templateFrom[0].configMap.items[0].key']);
    assert.deepEqual(errorsOf(run.report, 'cm-kv'), ['TemplateKeyNotFound spec.target.template.templateFrom[0].configMap.items[0].key']);
    assert.deepEqual(errorsOf(run.report, 'cm-good'), []);
    const infos = run.report.findings.filter((f) => f.severity === 'info' && f.code === 'NotVerifiable').map((f) => `${f.resource.name} ${f.field}`);
    assert.ok(infos.includes('cm-missing spec.target.template.templateFrom[0].configMap'), infos.join('\n'));
    assert.ok(infos.includes('secret-source spec.target.template.templateFrom[0].secret'), infos.join('\n'));
  } finally {
    await s.close();
  }
});

test('inline templates: literal, data, labels and annotations as ESO renders them; index, if bodies and creationPolicy None are not failures', async () => {
  const label = templated('label-typo', { metadata: { labels: { owner: '{{ .usrname }}' } } });
  const literal = templated('literal-typo', { templateFrom: [{ literal: 'token: {{ .pasword }}' }] });
  const index = templated('index-missing', { data: { url: '{{ index . "pasword" }}' } });
  const ifBody = templated('if-body', { data: { url: '{{ if .password }}{{ .pasword }}{{ end }}' } });
  const none = templated('creation-none', { data: { url: '{{ .pasword }}' } }, { creationPolicy: 'None' });
  // dataFrom keys come from Vault: known once the secret's keys were read (and only where the store may read them).
  const fromExtract = externalSecret('extract-typo', { dataFrom: [{ extract: { key: 'app/db' } }], target: { name: 'extract-typo', template: { data: { url: '{{ .username }}:{{ .passwrd }}' } } } });
  const fromExtractGood = externalSecret('extract-good', { dataFrom: [{ extract: { key: 'app/db' } }], target: { name: 'extract-good', template: { data: { url: '{{ .username }}:{{ .password }}' } } } });
  const beyondPolicy = externalSecret('extract-denied', { dataFrom: [{ extract: { key: 'ops/db' } }], target: { name: 'extract-denied', template: { data: { url: '{{ .passwrd }}' } } } });
  // ESO's own template rules (its webhook, and ApplyTemplate again): a target that would write a privileged Secret field.
  const privileged = templated('target-type', { templateFrom: [{ literal: 'x: y', target: 'immutable' }] });
  const s = await scenario([clusterStore('vault'), label, literal, index, ifBody, none, fromExtract, fromExtractGood, beyondPolicy, privileged], state());
  try {
    const l = await s.validate(label);
    assert.match(l.message, /\[TemplateKeyNotFound\] spec\.target\.template\.metadata\.labels\.owner: .*"could not apply template: could not execute template: could not execute template: unable to execute template at key owner: unable to execute template at key owner: template: owner:1:3: executing \\"owner\\" at <\.usrname>: map has no entry for key \\"usrname\\"".* Fix: Did you mean "username"\?/);
    const lit = await s.validate(literal);
    assert.match(lit.message, /\[TemplateKeyNotFound\] spec\.target\.template\.templateFrom\[0\]\.literal: .*"could not apply template: error fetching templateFrom data: unable to execute template at key token: \{\{ \.pasword \}\}: /);
    // Go's index yields "" for a missing key even with missingkey=error; an if body may not run.
    assert.equal((await s.validate(index)).allowed, true);
    assert.equal((await s.validate(ifBody)).allowed, true);
    // creationPolicy None: ESO writes no Secret and renders no template.
    assert.equal((await s.validate(none)).allowed, true);
    assert.match((await s.validate(fromExtract)).message, /\[TemplateKeyNotFound\] spec\.target\.template\.data\.url: The template reads "passwrd", but this ExternalSecret produces only .*"password".* Fix: Did you mean "password"\?/);
    assert.equal((await s.validate(fromExtractGood)).allowed, true);
    assert.match((await s.validate(privileged)).message, /\[MalformedReference\] spec\.target\.template\.templateFrom\[0\]\.target: templateFrom target="immutable" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"/);
    const denied = await s.validate(beyondPolicy);
    assert.match(denied.message, /\[PolicyDenied\]/);
    assert.doesNotMatch(denied.message, /TemplateKeyNotFound/, 'keys the store may not read are not judged (nor revealed)');
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'label-typo'), ['TemplateKeyNotFound spec.target.template.metadata.labels.owner']);
    assert.deepEqual(errorsOf(run.report, 'literal-typo'), ['TemplateKeyNotFound spec.target.template.templateFrom[0].literal']);
    for (const name of ['index-missing', 'if-body', 'creation-none', 'extract-good']) assert.deepEqual(errorsOf(run.report, name), [], name);
    assert.deepEqual(errorsOf(run.report, 'extract-typo'), ['TemplateKeyNotFound spec.target.template.data.url']);
  } finally {
    await s.close();
  }
});

test('rewrite merge and transform: ESO\'s keys, conflicts and invalid keys; what depends on values or unevaluated functions is not verifiable', async () => {
  const extract = (name: string, key: string, rewrite: Obj[]) => externalSecret(name, { dataFrom: [{ extract: { key }, rewrite }] });
  const conflict = extract('merge-conflict', 'app/nested', [{ merge: {} }]);
  const merged = extract('merge-ok', 'app/nested', [{ merge: { conflictPolicy: 'Ignore' } }]);
  const priority = extract('merge-priority', 'app/nested', [{ merge: { priority: ['primry'], conflictPolicy: 'Ignore' } }]);
  const texts = extract('merge-texts', 'app/texts', [{ merge: {} }]);
  const slash = extract('transform-slash', 'app/db', [{ transform: { template: 'secrets/{{ .value }}' } }]);
  const env = extract('transform-env', 'app/db', [{ transform: { template: 'ENV_{{ .value | upper | replace "." "_" }}' } }]);
  const unevaluated = extract('transform-snake', 'app/db', [{ transform: { template: '{{ .value | snakecase }}' } }]);
  const s = await scenario([clusterStore('vault'), conflict, merged, priority, texts, slash, env, unevaluated], state());
  try {
    const c = await s.validate(conflict);
    assert.equal(c.allowed, false);
    assert.match(c.message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.rewrite: .*ESO fails with "error processing spec\.dataFrom\[0\]\.extract, err: error applying rewrite to keys: failed rewrite operation\[0\]: merge failed with conflicts: host"/);
    assert.equal((await s.validate(merged)).allowed, true);
    assert.match((await s.validate(priority)).message, /failed rewrite operation\[0\]: merge failed with key "primry" not found in input map/);
    assert.equal((await s.validate(texts)).allowed, true);
    assert.match((await s.validate(slash)).message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.rewrite: .*key has invalid character \/, only alphanumeric, '-', '\.' and '_' are allowed: secrets\/password/);
    assert.equal((await s.validate(env)).allowed, true);
    assert.equal((await s.validate(unevaluated)).allowed, true);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'merge-conflict'), ['SecretKeyInvalid spec.dataFrom[0].rewrite']);
    assert.deepEqual(errorsOf(run.report, 'merge-priority'), ['SecretKeyInvalid spec.dataFrom[0].rewrite']);
    assert.deepEqual(errorsOf(run.report, 'transform-slash'), ['SecretKeyInvalid spec.dataFrom[0].rewrite']);
    for (const name of ['merge-ok', 'merge-texts', 'transform-env', 'transform-snake']) assert.deepEqual(errorsOf(run.report, name), [], name);
    const infos = run.report.findings.filter((f) => f.code === 'NotVerifiable').map((f) => `${f.resource.name} ${f.field}`);
    assert.ok(infos.includes('merge-texts spec.dataFrom[0].rewrite[0]'), infos.join('\n'));
    assert.ok(infos.includes('transform-snake spec.dataFrom[0].rewrite[0]'), infos.join('\n'));
  } finally {
    await s.close();
  }
});

test('check --offline: a templateFrom ConfigMap among the files is read, one elsewhere is not verifiable', async () => {
  const typo = templated('cm-typo', fromConfigMap('db-tpl', [{ key: 'config' }]));
  const elsewhere = templated('cm-elsewhere', fromConfigMap('other-tpl', [{ key: 'config' }]));
  const s = await scenario([clusterStore('vault'), tplConfigMap, typo, elsewhere], state());
  try {
    const file = join(s.dir, 'offline.yaml');
    writeFileSync(file, [clusterStore('vault'), tplConfigMap, typo, elsewhere].map((o) => stringify(o)).join('---\n'));
    const run = await runCli([file, '--offline', '--format', 'json']);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(report, 'cm-typo'), ['TemplateKeyNotFound spec.target.template.templateFrom[0].configMap.items[0].key']);
    assert.deepEqual(errorsOf(report, 'cm-elsewhere'), []);
    assert.ok(report.findings.some((f) => f.resource.name === 'cm-elsewhere' && f.code === 'NotVerifiable' && /ConfigMap apps\/other-tpl is not among the checked files/.test(f.message)));
  } finally {
    await s.close();
  }
});
