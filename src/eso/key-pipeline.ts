// The Secret keys ESO makes from dataFrom keys (extract: the secret's keys; find: the matching
// secrets' names), in its order (externalsecret_controller_secret.go): rewrite, then
// conversionStrategy only when there is no rewrite, then ValidateKeys; and the key check the API
// server applies when ESO writes the Secret. Names only, never values.
import { RE2JS } from 're2js';
import { convertKey } from './extract-keys.js';

export type RewriteModel =
  | { kind: 'regexp'; source: string; target: string }
  /** transform (Go templates) and merge (depends on values) are not evaluated here. */
  | { kind: 'unmodelled'; what: string };

export type KeyPipelineResult =
  | { status: 'ok'; keys: string[] }
  /** ESO fails: `message` is ESO's error text after `error processing spec.dataFrom[i].<kind>, err: `. */
  | { status: 'eso-error'; message: string }
  /** ESO writes a key the API server rejects. */
  | { status: 'api-rejects'; key: string; message: string }
  | { status: 'unknown'; reason: string };

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

export function deriveSecretKeys(keys: readonly string[], rewrite: readonly RewriteModel[], conversionStrategy: string | undefined): KeyPipelineResult {
  let current = [...keys].sort();
  for (const [i, op] of rewrite.entries()) {
    if (op.kind !== 'regexp') return { status: 'unknown', reason: `rewrite[${i}] is a ${op.what}, which is not evaluated` };
    try {
      RE2JS.compile(op.source);
    } catch (err) {
      return { status: 'eso-error', message: `error applying rewrite to keys: failed rewrite operation[${i}]: regexp failed with failed to compile: ${err instanceof Error ? err.message : String(err)}` };
    }
    // Keys that collide after a rewrite overwrite each other silently (a Go map).
    current = [...new Set(current.map((k) => goReplaceAll(op.source, k, op.target)))].sort();
  }
  if (rewrite.length === 0) {
    const seen = new Set<string>();
    for (const k of current) {
      const converted = convertKey(conversionStrategy, k);
      if (seen.has(converted)) {
        return { status: 'eso-error', message: `error applying conversion strategy ${conversionStrategy ?? ''} to keys: secret name collision during conversion: ${converted}` };
      }
      seen.add(converted);
    }
    current = [...seen].sort();
  }
  const valid: string[] = [];
  for (const key of current) {
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
