// ESO v2.9.0 has no per-manifest template delimiters: the controller's --template-left-delimiter /
// --template-right-delimiter flags (runtime/template/v2/template.go) set them for every
// target.template. With `<<`/`>>` configured the way ESO runs, `<< .pasword >>` is the action and
// `{{ .pasword }}` plain text; through /validate and check (config file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario, type Obj } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

const dbData = [
  { secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } },
  { secretKey: 'username', remoteRef: { key: 'app/db', property: 'username' } },
];
const templated = (name: string, text: string): Obj => externalSecret(name, { data: dbData, target: { name, template: { data: { url: text } } } });

test('custom delimiters: actions are read with ESO\'s delimiters, default-delimited text is literal', async () => {
  const angleTypo = templated('angle-typo', 'postgres://<< .username >>:<<- .pasword ->>@db');
  const angleGood = templated('angle-good', 'postgres://<< .username >>:<< .password >>@db');
  // ESO leaves `{{ … }}` alone as text under custom delimiters: no false finding.
  const curlyLiteral = templated('curly-literal', 'postgres://{{ .usernme }}@db');
  const s = await scenario([clusterStore('vault'), angleTypo, angleGood, curlyLiteral], baseState(), { templateDelimiters: { left: '<<', right: '>>' } });
  try {
    const t = await s.validate(angleTypo);
    assert.equal(t.allowed, false);
    assert.match(t.message, /\[TemplateKeyNotFound\] spec\.target\.template\.data\.url: .*reads "pasword".*Did you mean "password"\?/);
    assert.equal((await s.validate(angleGood)).allowed, true);
    const c = await s.validate(curlyLiteral);
    assert.equal(c.allowed, true, c.message);
    const run = await s.check();
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(errorsOf(run.report, 'angle-typo'), ['TemplateKeyNotFound spec.target.template.data.url']);
    assert.deepEqual(errorsOf(run.report, 'angle-good'), []);
    assert.deepEqual(errorsOf(run.report, 'curly-literal'), []);
  } finally {
    await s.close();
  }
});

test('default delimiters: the same manifests read the other way round', async () => {
  const curlyTypo = templated('curly-typo', 'postgres://{{ .usernme }}@db');
  const angle = templated('angle-literal', 'postgres://<< .pasword >>@db');
  const s = await scenario([clusterStore('vault'), curlyTypo, angle], baseState());
  try {
    assert.equal((await s.validate(curlyTypo)).allowed, false);
    assert.equal((await s.validate(angle)).allowed, true);
  } finally {
    await s.close();
  }
});
