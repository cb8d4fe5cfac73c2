// The text edits `fix` makes: only the value's characters change, a missing key gets its own line
// (or its place in a flow map), comments, order and line endings stay, and anything else is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { applyManifestEdits, type ManifestEdit } from '../../src/cli/fix/manifest-edits.js';

const edit = (field: string, value: string, more: Partial<ManifestEdit> = {}): ManifestEdit => ({ firstLine: 0, objectPath: [], field, value, ...more });

const ES = `# the app's database password
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db   # owned by team-a
spec:
  secretStoreRef:
    name: vault-backend

  data:
    - secretKey: password
      remoteRef: { key: app/db, property: data.password }  # copied from the UI
    - secretKey: user
      remoteRef:
        key: "data/app/db"
        property: 'username'
`;

test('a plain value in a flow map changes alone; comments and blank lines stay', async () => {
  const out = await applyManifestEdits(ES, [edit('spec.data[0].remoteRef.property', 'password')]);
  assert.equal(out.refused.length, 0);
  assert.equal(out.text, ES.replace('property: data.password }', 'property: password }'));
});

test('a quoted value keeps its quoting style', async () => {
  const out = await applyManifestEdits(ES, [edit('spec.data[1].remoteRef.key', 'app/db'), edit('spec.data[1].remoteRef.property', "user's")]);
  assert.equal(out.text, ES.replace('key: "data/app/db"', 'key: "app/db"').replace("property: 'username'", "property: 'user''s'"));
});

test('a missing key is added on its own line under its siblings, at their indentation', async () => {
  const out = await applyManifestEdits(ES, [edit('spec.secretStoreRef.kind', 'ClusterSecretStore')]);
  assert.equal(out.text, ES.replace('    name: vault-backend\n', '    name: vault-backend\n    kind: ClusterSecretStore\n'));
});

test('a missing key in a flow map is added after its last entry', async () => {
  const text = 'kind: ExternalSecret\nspec:\n  secretStoreRef: { name: vault-backend }  # the shared store\n';
  const out = await applyManifestEdits(text, [edit('spec.secretStoreRef.kind', 'ClusterSecretStore')]);
  assert.equal(out.text, 'kind: ExternalSecret\nspec:\n  secretStoreRef: { name: vault-backend, kind: ClusterSecretStore }  # the shared store\n');
});

test('a value YAML would read as another type or another string is quoted', async () => {
  const text = 'spec:\n  a: x\n  b: x\n  c: x\n';
  const out = await applyManifestEdits(text, [edit('spec.a', 'true'), edit('spec.b', 'k: v'), edit('spec.c', 'x # y')]);
  assert.equal(out.text, 'spec:\n  a: "true"\n  b: "k: v"\n  c: "x # y"\n');
  assert.deepEqual(parseAllDocuments(out.text)[0]?.toJS(), { spec: { a: 'true', b: 'k: v', c: 'x # y' } });
});

test('the document is found by its first line, and a List item by its path; CRLF line endings stay', async () => {
  const text = ['kind: Namespace', 'metadata: {name: a}', '---', 'kind: List', 'items:', '  - kind: ExternalSecret', '    spec:', '      property: old', ''].join('\r\n');
  const out = await applyManifestEdits(text, [edit('spec.property', 'new', { firstLine: 2, objectPath: ['items', 0] })]);
  assert.deepEqual(out.refused, []);
  assert.equal(out.text, text.replace('property: old', 'property: new'));
});

test('what cannot be edited exactly is refused, never approximated', async () => {
  const text = 'spec:\n  note: |\n    multi\n    line\n  ref: { }\n';
  const out = await applyManifestEdits(text, [edit('spec.note', 'x'), edit('spec.ref.kind', 'y'), edit('spec.missing.deep', 'z', {}), edit('spec.note', 'x', { firstLine: 7 })]);
  assert.equal(out.text, text);
  assert.equal(out.applied.length, 0);
  assert.equal(out.refused.length, 4);
  assert.match(out.refused[3]?.reason ?? '', /no YAML document starts at line 8/);
});
