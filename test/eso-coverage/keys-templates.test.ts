// Issue 15 items 5, 8, 10 end to end (/validate and check): the Secret keys dataFrom produces
// (rewrite, conversion, validation, collisions, keys the API server refuses), the data reads of
// find.tags candidates in policy coverage, and templates reading keys that are not produced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorsOf, scenario } from './scenario.js';
import { baseState, clusterStore, externalSecret } from './fixtures.js';

function state() {
  const s = baseState() as unknown as { auth: Record<string, { roles: Record<string, unknown> }>; policies: Record<string, string>; secrets: Record<string, unknown> };
  s.secrets['kv/app/weird'] = { versions: [{ data: { 'db/user': 'x', db_user: 'y' } }], custom_metadata: {} };
  s.secrets['kv/app/intl'] = { versions: [{ data: { 'пароль': 'x', user: 'y' } }], custom_metadata: {} };
  s.auth['kubernetes/']!.roles['eso-meta'] = { bound_service_account_names: ['external-secrets'], bound_service_account_namespaces: ['external-secrets'], token_policies: ['meta-only'] };
  s.policies['meta-only'] = 'path "kv/metadata/app/*" {\n  capabilities = ["read", "list"]\n}\npath "kv/metadata/app" {\n  capabilities = ["list"]\n}\n';
  return s as never;
}

const extract = (name: string, key: string, more: Record<string, unknown> = {}) =>
  externalSecret(name, { dataFrom: [{ extract: { key }, ...more }] });

test('dataFrom keys: collision after conversion, "/" left by a rewrite, Unicode keys the API server refuses; a clean rewrite passes', async () => {
  const collision = extract('collision', 'app/weird');
  const slash = extract('rewrite-slash', 'app/db', { rewrite: [{ regexp: { source: '^', target: 'db/' } }] });
  const clean = extract('rewrite-clean', 'app/weird', { rewrite: [{ regexp: { source: '/', target: '-' } }] });
  const unicode = extract('unicode', 'app/intl');
  const unicodeConverted = externalSecret('unicode-converted', { dataFrom: [{ extract: { key: 'app/intl', conversionStrategy: 'Unicode' } }] });
  const findNames = externalSecret('find-names', { dataFrom: [{ find: { path: 'app', name: { regexp: '.*' } } }] });
  const s = await scenario([clusterStore('vault'), collision, slash, clean, unicode, unicodeConverted, findNames], state());
  try {
    const c = await s.validate(collision);
    assert.equal(c.allowed, false);
    assert.match(c.message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.extract: .*ESO fails with "error processing spec\.dataFrom\[0\]\.extract, err: error applying conversion strategy to keys: secret name collision during conversion: db_user"/);
    const r = await s.validate(slash);
    assert.match(r.message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.rewrite: .*key has invalid character \/, only alphanumeric, '-', '\.' and '_' are allowed: db\/password/);
    assert.equal((await s.validate(clean)).allowed, true);
    const u = await s.validate(unicode);
    assert.match(u.message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.extract: ESO accepts the key "пароль" .*Secret \\"unicode\\" is invalid: data\[пароль\]: Invalid value: "пароль": a valid config key must consist of alphanumeric characters/);
    // Unicode conversion touches only characters ESO would reject; letters stay, so the API server still refuses.
    assert.equal((await s.validate(unicodeConverted)).allowed, false);
    // find: names "app/api", "app/db", ... become "app_api", ...: no collision, nothing refused.
    assert.equal((await s.validate(findNames)).allowed, true, (await s.validate(findNames)).message);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'collision'), ['SecretKeyInvalid spec.dataFrom[0].extract']);
    assert.deepEqual(errorsOf(run.report, 'rewrite-slash'), ['SecretKeyInvalid spec.dataFrom[0].rewrite']);
    assert.deepEqual(errorsOf(run.report, 'rewrite-clean'), []);
    assert.deepEqual(errorsOf(run.report, 'unicode'), ['SecretKeyInvalid spec.dataFrom[0].extract']);
    assert.deepEqual(errorsOf(run.report, 'find-names'), []);
  } finally {
    await s.close();
  }
});

test('find: a candidate whose current version is deleted gives no key (ESO skips it), so it collides with nothing', async () => {
  const st = state() as unknown as { secrets: Record<string, unknown> };
  // "app/dup/a/b" and "app/dup/a_b" both convert to "app_dup_a_b"; "app/dup2/a_b" is deleted, so dup2 gives one key only.
  st.secrets['kv/app/dup/a/b'] = { versions: [{ data: { k: 'x' } }], custom_metadata: {} };
  st.secrets['kv/app/dup/a_b'] = { versions: [{ data: { k: 'x' } }], custom_metadata: {} };
  st.secrets['kv/app/dup2/a/b'] = { versions: [{ data: { k: 'x' } }], custom_metadata: {} };
  st.secrets['kv/app/dup2/a_b'] = { versions: [{ data: { k: 'x' } }, { data: { k: 'y' }, deleted: true }], custom_metadata: {} };
  const live = externalSecret('find-collision', { dataFrom: [{ find: { path: 'app/dup', name: { regexp: '.*' } } }] });
  const deleted = externalSecret('find-deleted-twin', { dataFrom: [{ find: { path: 'app/dup2', name: { regexp: '.*' } } }] });
  const s = await scenario([clusterStore('vault'), live, deleted], st as never);
  try {
    const c = await s.validate(live);
    assert.equal(c.allowed, false);
    assert.match(c.message, /\[SecretKeyInvalid\] spec\.dataFrom\[0\]\.find: .*secret name collision during conversion: app_dup_a_b/);
    const d = await s.validate(deleted);
    assert.equal(d.allowed, true, d.message);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'find-collision'), ['SecretKeyInvalid spec.dataFrom[0].find']);
    assert.deepEqual(errorsOf(run.report, 'find-deleted-twin'), []);
  } finally {
    await s.close();
  }
});

test('find.tags: the data of every candidate holding the tags is read, so a metadata-only policy is denied', async () => {
  const tags = externalSecret('by-tags', { dataFrom: [{ find: { path: 'app', tags: { owner: 'team-a' } } }] }, 'apps', 'vault-meta');
  const noMatch = externalSecret('by-tags-none', { dataFrom: [{ find: { path: 'app', tags: { owner: 'team-z' } } }] }, 'apps', 'vault-meta');
  const s = await scenario([clusterStore('vault-meta', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'eso-meta' } } }), tags, noMatch], state());
  try {
    const v = await s.validate(tags);
    assert.equal(v.allowed, false);
    assert.match(v.message, /\[PolicyDenied\] spec\.dataFrom\[0\]\.find: .*kv\/data\/app\/api/);
    // No candidate holds owner=team-z: ESO reads no data, so nothing is denied.
    const none = await s.validate(noMatch);
    assert.equal(none.allowed, true, none.message);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'by-tags'), ['PolicyDenied spec.dataFrom[0].find']);
  } finally {
    await s.close();
  }
});

test('a template reading a key the ExternalSecret does not produce is ESO\'s render error, with "did you mean"', async () => {
  const typo = externalSecret('tpl-typo', {
    data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }, { secretKey: 'username', remoteRef: { key: 'app/db', property: 'username' } }],
    target: { name: 'tpl-typo', template: { engineVersion: 'v2', data: { url: 'postgres://{{ .username }}:{{ .pasword }}@db' } } },
  });
  const good = externalSecret('tpl-good', {
    data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }],
    target: { name: 'tpl-good', template: { data: { url: 'p={{ .password | b64enc }} {{ index . "password" }} {{ "{{ .literal }}" }}' } } },
  });
  const s = await scenario([clusterStore('vault'), typo, good], state());
  try {
    const v = await s.validate(typo);
    assert.equal(v.allowed, false);
    assert.match(v.message, /\[TemplateKeyNotFound\] spec\.target\.template\.data\.url: The template reads "pasword", but this ExternalSecret produces only "password", "username"; .*map has no entry for key \\"pasword\\".* Fix: Did you mean "password"\?/);
    assert.equal((await s.validate(good)).allowed, true);
    const run = await s.check();
    assert.deepEqual(errorsOf(run.report, 'tpl-typo'), ['TemplateKeyNotFound spec.target.template.data.url']);
  } finally {
    await s.close();
  }
});
