// Random policy texts through the ACL engine's parser (parsePolicy): the answer is a parsed policy
// or a PolicyParseError carrying Vault's message — never another exception, never a hang. Parsed
// policies also compile and evaluate without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { PolicyParseError, compileAcl, evaluateAcl, parsePolicy } from '../../src/vault/acl/index.js';
import { FUZZ_RUNS } from './runs.js';

/** Fragments of HCL policies, so random texts get past the lexer often enough to reach the stanza checks. */
const FRAGMENTS = [
  'path', 'name', '"secret/*"', '"secret/data/+/config"', '"kv/data/{{identity.entity.aliases.auth_kubernetes_1.metadata.service_account_namespace}}/*"',
  '"{{identity.entity.id}}"', '"{{broken"', '{', '}', '[', ']', '=', ',', ':', '"', '\n', ' ', '\t', '#', '//', '/*', '*/',
  'capabilities', '"read"', '"list"', '"deny"', '"sudo"', '"create"', '"update"', '"patch"', '"bogus"', 'policy = "write"',
  'allowed_parameters', 'denied_parameters', 'required_parameters', '"*" = []', '"key" = ["a", "b"]', 'min_wrapping_ttl = "1h"',
  'max_wrapping_ttl = 300', 'mfa_methods', 'control_group', 'factor', 'subscribe_event_types', '<<EOF\nx\nEOF', '<<-EOT', '1.5e3',
  '-1', 'true', 'false', 'null', '0x1F', '"\\u00e9"', '"\\x"', '""', '"a\\"b"', 'path "a" { capabilities = ["read"] }',
];

const policyText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), { maxLength: 60 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('{', '[', '"', 'path "x" '), { maxLength: 2000 }).map((p) => p.join('')) },
);

test(`fuzz: ${FUZZ_RUNS} random policy texts parse or fail with PolicyParseError, in bounded time`, () => {
  let parsed = 0;
  fc.assert(
    fc.property(policyText, fc.constantFrom('secret/data/app', 'kv/data/team-a/x', 'sys/mounts', ''), (text, path) => {
      const started = performance.now();
      let policy;
      try {
        policy = parsePolicy('fuzz', text);
      } catch (err) {
        assert.ok(err instanceof PolicyParseError, `unexpected ${(err as Error)?.name}: ${(err as Error)?.message}`);
        assert.ok(err.message.length > 0 && err.vaultMessage.startsWith('failed to parse policy'), err.message);
        assert.ok(performance.now() - started < 2_000, 'parsing took over 2 s');
        return;
      }
      parsed += 1;
      assert.equal(typeof policy.name, 'string');
      assert.ok(Array.isArray(policy.paths));
      const acl = compileAcl([{ name: 'fuzz', text }]);
      const evaluation = evaluateAcl(acl, path);
      assert.ok(Array.isArray(evaluation.capabilities));
      assert.ok(performance.now() - started < 2_000, 'parsing and evaluating took over 2 s');
    }),
    { numRuns: FUZZ_RUNS },
  );
  assert.ok(FUZZ_RUNS < 50 || parsed > 0, 'some texts were valid policies (the generator reaches past the lexer)');
});
