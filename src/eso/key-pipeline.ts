// The Secret keys ESO makes from dataFrom keys (extract: the secret's keys; find: the matching
// secrets' names), in its order (externalsecret_controller_secret.go): rewrite (runtime/esutils
// RewriteMap: merge, regexp or transform per item), then conversionStrategy only when there is no
// rewrite, then ValidateKeys; and the key check the API server applies when ESO writes the Secret.
// Names and value *shapes* only, never values: where a step depends on a value (merge of a text
// value) or on template functions not evaluated here, the result is "unknown", never a guess.
import { RE2JS } from 're2js';
import { convertKey } from './extract-keys.js';
import { evaluateKeyTemplate, goQuote } from './go-template.js';
import type { ValueShape } from './value-shape.js';

export type RewriteModel =
  | { kind: 'regexp'; source: string; target: string }
  /** A Go template over each key (`{{ .value }}` is the key). */
  | { kind: 'transform'; template: string }
  /** Merges the JSON objects the values hold; CRD defaults applied. */
  | { kind: 'merge'; into: string; priority: string[]; priorityPolicy: string; conflictPolicy: string; strategy: string }
  /** An item with no operation: ESO passes the keys through. */
  | { kind: 'none' };

export type KeyPipelineResult =
  | { status: 'ok'; keys: string[] }
  /** ESO fails: `message` is ESO's error text after `error processing spec.dataFrom[i].<kind>, err: `. */
  | { status: 'eso-error'; message: string }
  /** ESO writes a key the API server rejects. */
  | { status: 'api-rejects'; key: string; message: string }
  /** `index`: the rewrite item that could not be followed (absent: not a rewrite). */
  | { status: 'unknown'; reason: string; index?: number };

const isKeyRune = (c: string): boolean => /^[\p{L}\p{N}._-]$/u.test(c);
const API_KEY = /^[-._a-zA-Z0-9]+$/;

/** Go's Regexp.Expand template syntax: $1, $name, ${name}, $$. */
function expand(template: string, group: (name: string) => string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c !== '$') { out += c; i += 1; continue; }
    const next = template[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    let name = '';
    let end = i + 1;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close >= 0 ? template.slice(i + 2, close) : '';
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) { out += '$'; i += 1; continue; }
      name = inner;
      end = close + 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) { out += '$'; i += 1; continue; }
      name = m[0];
      end = i + 1 + name.length;
    }
    out += group(name);
    i = end;
  }
  return out;
}

/** Go's Regexp.ReplaceAllString (empty matches adjacent to a previous match are skipped). */
export function goReplaceAll(source: string, input: string, target: string): string {
  const re = RE2JS.compile(source);
  const named = re.namedGroups();
  const m = re.matcher(input);
  let out = '';
  let last = 0;
  let prevEnd = -1;
  while (m.find()) {
    const start = m.start();
    const end = m.end();
    if (start === end && start === prevEnd) continue;
    out += input.slice(last, start);
    out += expand(target, (name) => {
      const idx = /^[0-9]+$/.test(name) ? Number(name) : named[name];
      if (idx === undefined || idx > m.groupCount()) return '';
      return m.group(idx) ?? '';
    });
    last = end;
    prevEnd = end;
  }
  return out + input.slice(last);
}

/** Byte-safe truncation as Go's key[:253] (a cut rune shows as U+FFFD). */
const first253 = (key: string): string => Buffer.from(key, 'utf8').subarray(0, 253).toString('utf8');

/** Keys in flight with the shape of their value (undefined: not known). */
type KeyMap = Map<string, ValueShape | undefined>;

type StepResult = { status: 'ok'; keys: KeyMap } | { status: 'error'; message: string } | { status: 'unknown'; reason: string };

/** Go map writes: a key written twice keeps one of the values, which one depends on map order. */
function renameKeys(keys: KeyMap, rename: (key: string) => string | undefined): KeyMap | string {
  const out: KeyMap = new Map();
  for (const [key, shape] of [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const next = rename(key);
    if (next === undefined) return key;
    out.set(next, out.has(next) ? undefined : shape);
  }
  return out;
}

/** How Go's json.Unmarshal into map[string]any fails on the bytes ESO makes of a value of this shape. */
function unmarshalError(shape: ValueShape): string | undefined {
  switch (shape.type) {
    case 'number': return 'json: cannot unmarshal number into Go value of type map[string]interface {}';
    case 'boolean': return 'json: cannot unmarshal bool into Go value of type map[string]interface {}';
    case 'array': return 'json: cannot unmarshal array into Go value of type map[string]interface {}';
    case 'null': return 'unexpected end of JSON input';
    default: return undefined;
  }
}

/** esutils.RewriteMerge on key shapes. */
function merge(op: Extract<RewriteModel, { kind: 'merge' }>, keys: KeyMap): StepResult {
  const order = [...keys.keys()].filter((k) => !op.priority.includes(k)).sort();
  order.push(...op.priority);
  const merged = new Map<string, ValueShape>();
  const conflicts: string[] = [];
  for (const key of order) {
    if (!keys.has(key)) {
      if (op.priorityPolicy === 'IgnoreNotFound') continue;
      return { status: 'error', message: `merge failed with key ${goQuote(key)} not found in input map` };
    }
    const shape = keys.get(key);
    if (!shape || shape.type === 'string' || shape.type === 'unknown') {
      return { status: 'unknown', reason: `merge parses the value of key ${JSON.stringify(key)} as JSON, and whether that text is a JSON object is known only from the value, which is never read` };
    }
    const failure = unmarshalError(shape);
    if (failure !== undefined) return { status: 'error', message: `merge failed with failed to unmarshal JSON: ${failure}` };
    if (shape.type !== 'object') return { status: 'unknown', reason: `the value of key ${JSON.stringify(key)} is not known` };
    for (const [k, v] of Object.entries(shape.keys).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (merged.has(k)) conflicts.push(k);
      merged.set(k, v);
    }
  }
  if (op.conflictPolicy !== 'Ignore' && conflicts.length > 0) return { status: 'error', message: `merge failed with conflicts: ${conflicts.join(', ')}` };
  if (op.strategy === 'Extract' || op.strategy === '') return { status: 'ok', keys: new Map(merged) };
  if (op.strategy === 'JSON') {
    if (op.into === '') return { status: 'error', message: "merge failed with missing 'into' field" };
    const out: KeyMap = new Map(keys);
    out.set(op.into, { type: 'object', keys: Object.fromEntries(merged) });
    return { status: 'ok', keys: out };
  }
  return { status: 'unknown', reason: `merge strategy ${JSON.stringify(op.strategy)} is not one ESO knows` };
}

function rewriteStep(op: RewriteModel, keys: KeyMap): StepResult {
  switch (op.kind) {
    case 'none':
      return { status: 'ok', keys };
    case 'merge':
      return merge(op, keys);
    case 'regexp': {
      try {
        RE2JS.compile(op.source);
      } catch (err) {
        return { status: 'error', message: `regexp failed with failed to compile: ${err instanceof Error ? err.message : String(err)}` };
      }
      // Keys that collide after a rewrite overwrite each other silently (a Go map).
      const out = renameKeys(keys, (k) => goReplaceAll(op.source, k, op.target));
      return typeof out === 'string' ? { status: 'unknown', reason: 'unreachable' } : { status: 'ok', keys: out };
    }
    case 'transform': {
      let reason = '';
      const out = renameKeys(keys, (k) => {
        const r = evaluateKeyTemplate(op.template, k);
        if (r.status === 'ok') return r.value;
        reason = r.reason;
        return undefined;
      });
      return typeof out === 'string' ? { status: 'unknown', reason: `the transform template is not evaluated here: ${reason}` } : { status: 'ok', keys: out };
    }
  }
}

/**
 * ESO's keys for a dataFrom entry. `shapes` (extract) holds the shape of each key's value, which
 * a `merge` rewrite needs; without it (find) a merge is "unknown".
 */
export function deriveSecretKeys(
  keys: readonly string[],
  rewrite: readonly RewriteModel[],
  conversionStrategy: string | undefined,
  shapes?: Readonly<Record<string, ValueShape>>,
): KeyPipelineResult {
  let current: KeyMap = new Map(keys.map((k) => [k, shapes?.[k]]));
  for (const [i, op] of rewrite.entries()) {
    const step = rewriteStep(op, current);
    if (step.status === 'error') return { status: 'eso-error', message: `error applying rewrite to keys: failed rewrite operation[${i}]: ${step.message}` };
    if (step.status === 'unknown') return { status: 'unknown', reason: step.reason, index: i };
    current = step.keys;
  }
  let names = [...current.keys()].sort();
  if (rewrite.length === 0) {
    const seen = new Set<string>();
    for (const k of names) {
      const converted = convertKey(conversionStrategy, k);
      if (seen.has(converted)) {
        return { status: 'eso-error', message: `error applying conversion strategy ${conversionStrategy ?? ''} to keys: secret name collision during conversion: ${converted}` };
      }
      seen.add(converted);
    }
    names = [...seen].sort();
  }
  const valid: string[] = [];
  for (const key of names) {
    if (key === '') continue; // ESO drops empty keys
    const length = Buffer.byteLength(key, 'utf8');
    if (length > 253) {
      return { status: 'eso-error', message: `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has length ${length} but max is 253: (following is truncated): ${first253(key)}` };
    }
    const bad = Array.from(key).find((c) => !isKeyRune(c));
    if (bad !== undefined) {
      return { status: 'eso-error', message: `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has invalid character ${bad}, only alphanumeric, '-', '.' and '_' are allowed: ${key}` };
    }
    valid.push(key);
  }
  const rejected = valid.find((k) => !API_KEY.test(k));
  if (rejected !== undefined) {
    return {
      status: 'api-rejects',
      key: rejected,
      message: `data[${rejected}]: Invalid value: ${JSON.stringify(rejected)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    };
  }
  return { status: 'ok', keys: valid };
}
