// Secret key names ESO derives for dataFrom (extract / find): ConvertKeys (skipped when any
// rewrite is set), then ValidateKeys (runtime/esutils/utils.go, pkg/controllers/externalsecret).
// Key names are known from a value shape, so this needs no secret value.
import { evaluateProperty } from './property.js';
import type { ValueShape } from './value-shape.js';

export type KeyConversionResult =
  | { status: 'ok'; keys: string[] }
  | { status: 'error'; message: string }
  /** rewrite rules apply (Go regexp / templates on keys): not modelled. */
  | { status: 'unknown'; reason: string };

const isKeyRune = (c: string): boolean => /^[\p{L}\p{N}._-]$/u.test(c);

/** ESO's convert(): "" (omitted) and Default replace with "_", Unicode with _U%04x_, anything else keeps the rune. */
export function convertKey(strategy: string | undefined, key: string): string {
  return Array.from(key)
    .map((c) => {
      if (isKeyRune(c)) return c;
      if (strategy === undefined || strategy === '' || strategy === 'Default') return '_';
      if (strategy === 'Unicode') return `_U${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}_`;
      return c;
    })
    .join('');
}

/**
 * The Secret keys ESO produces from these provider keys, or ESO's error text. Where Go's map order
 * makes ESO report one of several bad keys at random, the first in sorted order is named.
 */
export function convertAndValidateKeys(keys: readonly string[], conversionStrategy: string | undefined, hasRewrite: boolean): KeyConversionResult {
  if (hasRewrite) return { status: 'unknown', reason: 'rewrite rules are not evaluated' };
  const out = new Set<string>();
  for (const k of [...keys].sort()) {
    const converted = convertKey(conversionStrategy, k);
    if (out.has(converted)) {
      return { status: 'error', message: `error applying conversion strategy ${conversionStrategy ?? ''} to keys: secret name collision during conversion: ${converted}` };
    }
    out.add(converted);
  }
  const valid: string[] = [];
  for (const key of [...out].sort()) {
    if (key === '') continue; // ESO drops empty keys silently
    const byteLength = Buffer.byteLength(key, 'utf8');
    if (byteLength > 253) {
      return { status: 'error', message: `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has length ${byteLength} but max is 253: (following is truncated): ${Buffer.from(key, 'utf8').subarray(0, 253).toString('utf8')}` };
    }
    const bad = Array.from(key).find((c) => !isKeyRune(c));
    if (bad !== undefined) {
      return { status: 'error', message: `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has invalid character ${bad}, only alphanumeric, '-', '.' and '_' are allowed: ${key}` };
    }
    valid.push(key);
  }
  return { status: 'ok', keys: valid };
}

/** dataFrom.extract on a shape: the keys of the object `property` resolves to, converted and validated. */
export function extractKeysOnShape(shape: ValueShape, property: string, conversionStrategy: string | undefined, hasRewrite: boolean): KeyConversionResult {
  const r = evaluateProperty(shape, property);
  if (r.status !== 'found' || !r.shape || r.shape.type !== 'object') {
    return { status: 'unknown', reason: 'the property does not resolve to a known object (see resolveExtractOnShape)' };
  }
  return convertAndValidateKeys(Object.keys(r.shape.keys), conversionStrategy, hasRewrite);
}
