// Templates are user input read on every admission: the Go-template reader never throws, and a
// template it evaluates has no action left in its output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateKeyTemplate, templateKeyRefs } from '../../src/eso/go-template.js';
import { deriveSecretKeys } from '../../src/eso/key-pipeline.js';
import { FUZZ_RUNS } from './runs.js';

const pieces = fc.constantFrom('{{', '}}', '{{-', ' -}}', '/*', '*/', '"', '`', "'", '\\', '.value', '.pasword', '$.x', '|', ' upper ', 'replace "a" "b"', 'if', 'end', 'and', '\n', 'x', ' ', 'index . "k"');
const templates = fc.oneof(fc.string({ maxLength: 60 }), fc.array(pieces, { maxLength: 20 }).map((a) => a.join('')));

test('go-template: arbitrary texts never throw; evaluated keys hold no action', () => {
  fc.assert(
    fc.property(templates, fc.string({ maxLength: 20 }), (text, key) => {
      const refs = templateKeyRefs(text);
      if (refs) for (const r of refs) assert.ok(r.line >= 1 && r.column >= 0);
      const r = evaluateKeyTemplate(text, key);
      if (r.status === 'ok' && !text.includes('{{')) assert.equal(r.value, text);
      deriveSecretKeys([key, `${key}x`], [{ kind: 'transform', template: text }], undefined);
    }),
    { numRuns: FUZZ_RUNS * 5 },
  );
});
