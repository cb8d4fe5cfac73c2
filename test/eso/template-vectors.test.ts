// template-vectors.json: key rewrites (merge, regexp, transform) and template renders as ESO
// v2.9.0's own code answers them. Where the product judges, it must agree word for word; where it
// does not (value-dependent, functions not evaluated), it must say "unknown", never an error ESO
// would not raise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../support/paths.js';
import { deriveSecretKeys, parseEsoObject, toValueShape } from '../../src/eso/index.js';
import { evaluateKeyTemplate, templateKeyRefs } from '../../src/eso/go-template.js';
import { missingKeyText } from '../../src/eso/templates.js';

interface Vectors {
  rewrite: { name: string; data: Record<string, unknown>; rewrite: unknown[]; expected: { keys?: string[]; error?: string } }[];
  templates: { name: string; text: string; scope: string; key?: string; dataKeys: string[]; expected: { ok?: true; error?: string } }[];
}

const vectors = JSON.parse(readFileSync(join(REFERENCE_DIR, 'eso', 'template-vectors.json'), 'utf8')) as Vectors;

function rewriteModel(rewrite: unknown[]) {
  const parsed = parseEsoObject({
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'ns' },
    spec: { secretStoreRef: { name: 's' }, dataFrom: [{ extract: { key: 'k' }, rewrite }] },
  });
  assert.equal(parsed.kind, 'ExternalSecret');
  return parsed.kind === 'ExternalSecret' ? (parsed.model.dataFrom[0]?.rewrite ?? []) : [];
}

test('template-vectors.json rewrite: the Secret keys and ESO\'s errors of merge, regexp and transform', () => {
  const unknown: string[] = [];
  for (const v of vectors.rewrite) {
    const shape = toValueShape(v.data);
    const result = deriveSecretKeys(Object.keys(v.data), rewriteModel(v.rewrite), undefined, shape.type === 'object' ? shape.keys : undefined);
    if (result.status === 'ok' || result.status === 'api-rejects') {
      assert.ok(v.expected.keys, `${v.name}: ESO fails with ${v.expected.error}`);
      if (result.status === 'ok') assert.deepEqual(result.keys, v.expected.keys, v.name);
    } else if (result.status === 'eso-error') {
      assert.equal(result.message, v.expected.error, v.name);
    } else {
      unknown.push(v.name);
    }
  }
  // Only what depends on a value, or on functions not evaluated here, is left open.
  assert.deepEqual(unknown, ['transform with a function not evaluated here', 'transform of a missing field', 'merge of JSON text (depends on the value)']);
});

test('template-vectors.json templates: a key reported missing is ESO\'s render error, word for word; nothing ESO renders is reported', () => {
  let agreed = 0;
  for (const v of vectors.templates) {
    const refs = templateKeyRefs(v.text);
    const missing = refs?.find((r) => !v.dataKeys.includes(r.key));
    if (!missing) continue;
    assert.ok(v.expected.error, `${v.name}: reported, but ESO renders it`);
    const name = v.scope === 'KeysAndValues' ? v.text : (v.key ?? '');
    assert.equal(missingKeyText({ field: '', where: '', name, text: v.text, prefix: '' }, missing), v.expected.error, v.name);
    agreed += 1;
  }
  assert.equal(agreed, 8);
});

interface RandomVectors {
  renders: { text: string; error?: string }[];
  transforms: { template: string; key: string; out?: string; error?: string }[];
}

const random = JSON.parse(readFileSync(join(REFERENCE_DIR, 'eso', 'template-random-vectors.json'), 'utf8')) as RandomVectors;

test('template-random-vectors.json renders: every missing key ESO reports is found, with its text; nothing else is reported', () => {
  const produced = ['password', 'user'];
  let agreed = 0;
  for (const v of random.renders) {
    const refs = templateKeyRefs(v.text) ?? [];
    const first = refs.find((r) => !produced.includes(r.key) || r.chained);
    const missing = first && !produced.includes(first.key) ? first : undefined;
    if (missing) {
      assert.equal(missingKeyText({ field: '', where: '', name: 'k', text: v.text, prefix: '' }, missing), v.error, v.text);
      agreed += 1;
    } else {
      assert.ok(!v.error?.includes('map has no entry'), `missed: ${v.text}`);
    }
  }
  assert.ok(agreed >= 250, String(agreed));
});

test('template-random-vectors.json transforms: the key ESO makes, for every template of the evaluated subset', () => {
  for (const v of random.transforms) {
    const r = evaluateKeyTemplate(v.template, v.key);
    assert.equal(r.status, 'ok', v.template);
    if (r.status === 'ok') assert.equal(r.value, v.out, `${v.template} on ${v.key}`);
  }
});
