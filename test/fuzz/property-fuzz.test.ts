// Random property expressions against random value shapes through ESO's property resolution
// (resolvePropertyOnShape): never a throw, always a status and at most five candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { resolvePropertyOnShape, toValueShape } from '../../src/eso/index.js';
import { FUZZ_RUNS } from './runs.js';

/** Characters gjson gives meaning to, mixed into keys and expressions. */
const KEY_CHARS = ['a', 'b', 'c', '.', '\\', '*', '?', '#', '|', '@', '!', '=', '<', '>', '%', '[', ']', '{', '}', '(', ')', ',', ':', '"', '0', '1', ' ', '-', '_', 'é'];
const keyText = fc.array(fc.constantFrom(...KEY_CHARS), { maxLength: 12 }).map((c) => c.join(''));

const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(keyText, fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 5 }),
  ),
})).v;

const expression = fc.oneof(
  keyText,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(keyText, fc.constantFrom('#', '*', '0', '#(a=="b")', '@reverse', '..', '\\.')), { maxLength: 8 }).map((p) => p.join('.')),
);

test(`fuzz: ${FUZZ_RUNS} random property expressions resolve on random shapes without throwing`, () => {
  fc.assert(
    fc.property(value, expression, (data, property) => {
      const r = resolvePropertyOnShape(toValueShape(data), property);
      assert.ok(['found', 'not_found', 'unknown'].includes(r.status), r.status);
      assert.ok(Array.isArray(r.candidates) && r.candidates.length <= 5);
      for (const c of r.candidates) assert.equal(typeof c, 'string');
      if (r.status !== 'not_found') assert.deepEqual(r.candidates, []);
    }),
    { numRuns: FUZZ_RUNS },
  );
});

// 1,000 levels: far past any real secret. (toValueShape recurses; near 5,000 levels it exhausts the
// stack, which the Vault layer turns into an "unavailable" fact rather than a crash.)
test('fuzz: a deeply nested shape and a long expression resolve without throwing', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < 1_000; i += 1) deep = { k: deep };
  const r = resolvePropertyOnShape(toValueShape(deep), Array.from({ length: 1_000 }, () => 'k').join('.'));
  assert.ok(['found', 'not_found', 'unknown'].includes(r.status));
});
