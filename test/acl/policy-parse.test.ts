// policy-parse-vectors.json (each vector its own subtest) plus the HCL1 forms policies use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapToNames, parsePolicy, PolicyParseError, type ParsedPathRule } from '../../src/vault/acl/index.js';
import { canonical, loadVectors } from './vector-support.js';

interface ParseVector {
  text: string;
  valid: boolean;
  expectedName?: string;
  expectedPaths?: Record<string, unknown>[];
  expectedTemplated?: boolean;
  errorContains?: string[];
  source: string;
}

function asVectorPath(r: ParsedPathRule): Record<string, unknown> {
  const o: Record<string, unknown> = {
    path: r.path,
    policy: r.policy,
    capabilities: r.capabilities,
    capabilitiesBitmap: bitmapToNames(r.bitmap),
    isPrefix: r.isPrefix,
    hasSegmentWildcards: r.hasSegmentWildcards,
  };
  if (r.minWrappingTtlSeconds) o.minWrappingTTLSeconds = r.minWrappingTtlSeconds;
  if (r.maxWrappingTtlSeconds) o.maxWrappingTTLSeconds = r.maxWrappingTtlSeconds;
  if (r.allowedParameters) o.allowedParameters = r.allowedParameters;
  if (r.deniedParameters) o.deniedParameters = r.deniedParameters;
  if (r.requiredParameters) o.requiredParameters = r.requiredParameters;
  if (r.mfaMethods) o.mfaMethods = r.mfaMethods;
  return o;
}

test('policy-parse-vectors.json', async (t) => {
  const vectors = loadVectors<ParseVector>('policy-parse-vectors.json');
  assert.ok(vectors.length >= 20);
  for (const [i, v] of vectors.entries()) {
    const id = `${String(i).padStart(2, '0')} ${v.text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'))?.trim() ?? ''}`;
    await t.test(id, () => {
      if (!v.valid) {
        assert.throws(
          () => parsePolicy('vec', v.text),
          (e: unknown) => {
            assert.ok(e instanceof PolicyParseError);
            for (const s of v.errorContains ?? []) assert.ok(e.message.includes(s), `${JSON.stringify(e.message)} should contain ${JSON.stringify(s)}`);
            return true;
          },
        );
        return;
      }
      const p = parsePolicy('vec', v.text);
      if (v.expectedName !== undefined) assert.equal(p.declaredName, v.expectedName);
      if (v.expectedTemplated !== undefined) assert.equal(p.templated, v.expectedTemplated);
      if (v.expectedPaths) assert.deepEqual(canonical(p.paths.map(asVectorPath)), canonical(v.expectedPaths));
    });
  }
});

test('HCL1 forms: comments, heredoc-free nesting, numbers, bools, trailing commas', () => {
  const p = parsePolicy(
    'forms',
    `# hash comment
// slash comment
/* block
   comment */
path "a/b" {
  capabilities = ["read", "list",]   # trailing comma
  min_wrapping_ttl = 0x3c
  allowed_parameters = {
    "Flag" = [true, 1.5, -2]
  }
}`,
  );
  assert.equal(p.paths.length, 1);
  const r = p.paths[0]!;
  assert.deepEqual(r.capabilities, ['read', 'list']);
  assert.equal(r.minWrappingTtlSeconds, 60);
  assert.deepEqual(r.allowedParameters, { flag: [true, 1.5, -2] }, 'parameter names are lower-cased');
  assert.equal(r.line, 5);
});

test('HCL1 heredocs (<<EOT and <<-EOT) are strings that keep their last newline', () => {
  const p = parsePolicy('heredoc', 'path "x" {\n  comment = <<EOT\nfree "text"\nEOT\n  capabilities = ["read"]\n}\npath "y" {\n  comment = <<-EOT\n    indented\n    EOT\n}\n');
  assert.deepEqual(p.paths.map((r) => [r.path, r.capabilities]), [['x', ['read']], ['y', []]]);
  assert.throws(() => parsePolicy('h2', 'path "x" {\n  policy = <<EOT\nread\nEOT\n}\n'), /invalid policy "read\\n"/);
});

test('JSON policies parse like HCL ones', () => {
  const p = parsePolicy('json', '{"path": {"kv/data/app/*": {"capabilities": ["read"]}, "kv/metadata/app/": {"capabilities": ["list"]}}}');
  assert.deepEqual(
    p.paths.map((r) => [r.path, r.isPrefix, r.capabilities]),
    [
      ['kv/data/app/', true, ['read']],
      ['kv/metadata/app/', false, ['list']],
    ],
  );
  const arr = parsePolicy('json-list', '{"path": [{"a": {"policy": "read"}}, {"a": {"policy": "deny"}}]}');
  assert.equal(arr.paths.length, 2, 'duplicate stanzas stay separate');
});

test('rejections name the policy and the line', () => {
  assert.throws(
    () => parsePolicy('team-a', 'path "ok" {\n  capabilities = ["read"]\n}\npath "x" {\n  capabilites = ["read"]\n}\n'),
    (e: unknown) => e instanceof PolicyParseError && e.policyName === 'team-a' && e.line === 5 && /path "x": invalid key "capabilites" on line 5/.test(e.message),
  );
  assert.throws(
    () => parsePolicy('syntax', 'path "x" {\n  capabilities = ["read"\n}\n'),
    (e: unknown) => e instanceof PolicyParseError && e.line === 3 && e.message.includes('failed to parse policy'),
  );
  assert.throws(() => parsePolicy('tmpl', 'path "a/{{identity.entity.id" {}'), /failed to validate policy templating: unbalanced templating characters/);
  assert.throws(() => parsePolicy('ttl', 'path "a" {\n  max_wrapping_ttl = "5 minutes"\n}'), /error parsing max_wrapping_ttl: time: unknown unit " minutes" in duration "5 minutes"/);
});

test('`*` is only a glob at the end; `+` only as a whole segment', () => {
  const p = parsePolicy('w', 'path "a/*/b" {}\npath "a/+" {}\npath "a+/b" {}\npath "a/*" {}');
  assert.deepEqual(
    p.paths.map((r) => [r.path, r.isPrefix, r.hasSegmentWildcards]),
    [
      ['a/*/b', false, false],
      ['a/+', false, true],
      ['a+/b', false, false],
      ['a/', true, false],
    ],
  );
});

test('hcl v1 decoding: a list field needs a list; repeated fields append, repeated scalars keep the last', () => {
  assert.throws(() => parsePolicy('s', 'path "a" {\n  capabilities = "read"\n}'), /path "a": At 2:\d+: unknown slice type: \*ast\.LiteralType/);
  const p = parsePolicy(
    'dup',
    'path "a" {\n  capabilities = ["read"]\n  capabilities = ["list"]\n  policy = "deny"\n  policy = "read"\n  allowed_parameters = { "x" = ["1"] }\n  allowed_parameters = { "x" = ["2"], "y" = [] }\n}',
  );
  const r = p.paths[0]!;
  assert.deepEqual(r.capabilities, ['read', 'list', 'read', 'list']);
  assert.equal(r.policy, 'read');
  assert.deepEqual(r.allowedParameters, { x: ['1', '2'], y: [] });
});

test('path keys as hcl v1 hands them to Vault: a bare `path` block is named "path"; JSON objects are flattened', () => {
  assert.throws(() => parsePolicy('bare', 'path = {\n  "a" = { capabilities = ["read"] }\n}'), /path "path": invalid key "a" on line 2/);
  const extraKey = parsePolicy('extra', 'path "a" "ignored" {\n  capabilities = ["read"]\n}');
  assert.deepEqual(extraKey.paths.map((r) => [r.path, r.capabilities]), [['a', ['read']]]);
  // hcl/json flattens an object whose members are all objects, so a stanza holding only
  // allowed_parameters loses a level and Vault sees the parameter names as stanza keys.
  assert.throws(() => parsePolicy('flat', '{"path": {"a": {"allowed_parameters": {"x": []}}}}'), /path "a": invalid key "x"/);
  const ok = parsePolicy('flat-ok', '{"path": {"a": {"capabilities": ["update"], "allowed_parameters": {"x": []}}}}');
  assert.deepEqual(ok.paths[0]!.allowedParameters, { x: [] });
});
