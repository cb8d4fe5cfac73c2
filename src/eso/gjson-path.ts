// A subset of gjson (github.com/tidwall/gjson v1.18, which ESO uses for remoteRef.property) evaluated
// on value *shapes*, so existence can be decided without any secret value in memory.
// Hand-written because there is no maintained JavaScript port of gjson, and a port would need the
// values anyway. Supported: `.` separators, `\` escapes, `*`/`?` key wildcards, array indexes,
// `#` (array length) and `arr.#.rest` (map over elements). Everything whose result depends on
// values or that this subset does not model (`#(…)` queries, `@modifiers`, `|` pipes, `!literals`,
// `[…]`/`{…}` multipaths, `..` JSON lines) yields 'unknown'.
import type { ValueShape } from './value-shape.js';

/** One path component: literal text, or a wildcard pattern. */
export interface PathPart {
  /** Unescaped text (for literal parts). */
  text: string;
  /** True when the part had a backslash escape (gjson's array paths do not unescape). */
  escaped?: boolean;
  /** Wildcard tokens when the part has an unescaped `*` or `?`. */
  pattern?: ({ lit: string } | { any: true } | { one: true })[];
}

export type ParsedPath = { ok: true; parts: PathPart[] } | { ok: false; reason: string };

// Properties repeat across admissions (the same few per ExternalSecret): each is parsed once.
// Parsed paths are never changed by their users.
const parsedPaths = new Map<string, ParsedPath>();
const MAX_PARSED_PATHS = 10_000;

export function parseGjsonPath(path: string): ParsedPath {
  let parsed = parsedPaths.get(path);
  if (!parsed) {
    if (parsedPaths.size >= MAX_PARSED_PATHS) parsedPaths.clear();
    parsedPaths.set(path, (parsed = parsePath(path)));
  }
  return parsed;
}

function parsePath(path: string): ParsedPath {
  if (path.startsWith('@')) return { ok: false, reason: 'gjson @modifier' };
  if (path.startsWith('!')) return { ok: false, reason: 'gjson literal' };
  if (path.startsWith('[') || path.startsWith('{')) return { ok: false, reason: 'gjson multipath' };
  if (path.startsWith('..')) return { ok: false, reason: 'gjson JSON-lines path' };
  const parts: PathPart[] = [];
  let text = '';
  let pattern: NonNullable<PathPart['pattern']> = [];
  let wild = false;
  let escaped = false;
  let escapedWildcard = false;
  let lit = '';
  const flushLit = (): void => {
    if (lit) pattern.push({ lit });
    lit = '';
  };
  let unsupported: string | undefined;
  const endPart = (): void => {
    flushLit();
    // gjson matches a wildcard part after unescaping it, so an escaped * or ? would act as a wildcard there.
    if (wild && escapedWildcard) unsupported ??= 'escaped wildcard inside a wildcard pattern';
    parts.push({ text, ...(escaped ? { escaped } : {}), ...(wild ? { pattern } : {}) });
    text = '';
    pattern = [];
    wild = false;
    escaped = false;
    escapedWildcard = false;
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (c === '\\') {
      i++;
      const next = path[i];
      if (next === undefined) break; // a trailing backslash is dropped, as gjson does
      escaped = true;
      if (next === '*' || next === '?') escapedWildcard = true;
      text += next;
      lit += next;
      continue;
    }
    if (c === '.') {
      endPart();
      continue;
    }
    if (c === '|') return { ok: false, reason: 'gjson pipe' };
    if (c === '@' && text === '' && !escaped) return { ok: false, reason: 'gjson @modifier' };
    // After a dot, `[` or `{` starts a multipath (gjson pipes into it).
    if ((c === '[' || c === '{') && text === '' && !escaped && parts.length > 0) return { ok: false, reason: 'gjson multipath' };
    if (c === '#' && text === '' && (path[i + 1] === '(' || path[i + 1] === '[')) return { ok: false, reason: 'gjson query' };
    if (c === '*' || c === '?') {
      wild = true;
      flushLit();
      pattern.push(c === '*' ? { any: true } : { one: true });
      text += c;
      continue;
    }
    text += c;
    lit += c;
  }
  endPart();
  return unsupported ? { ok: false, reason: unsupported } : { ok: true, parts };
}

function matchTokens(tokens: NonNullable<PathPart['pattern']>, s: string[], ti = 0, si = 0): boolean {
  if (ti === tokens.length) return si === s.length;
  const t = tokens[ti] as NonNullable<PathPart['pattern']>[number];
  if ('any' in t) {
    for (let k = si; k <= s.length; k++) if (matchTokens(tokens, s, ti + 1, k)) return true;
    return false;
  }
  if ('one' in t) return si < s.length && matchTokens(tokens, s, ti + 1, si + 1);
  const chars = Array.from(t.lit);
  for (let k = 0; k < chars.length; k++) if (s[si + k] !== chars[k]) return false;
  return matchTokens(tokens, s, ti + 1, si + chars.length);
}

export function partMatches(part: PathPart, key: string): boolean {
  return part.pattern ? matchTokens(part.pattern, Array.from(key)) : part.text === key;
}

export type Evaluation =
  | { status: 'found'; shape?: ValueShape; multi?: boolean }
  | { status: 'not_found' }
  | { status: 'unknown'; reason: string };

/** gjson Get(...).Exists() on a shape; `shape` is the result's shape when it is a single value. */
export function evaluateParts(shape: ValueShape, parts: readonly PathPart[]): Evaluation {
  if (parts.length === 0) return { status: 'found', shape };
  // Below a subkeys leaf may be an array (indexable) or a scalar (not): undecidable.
  if (shape.type === 'unknown') return { status: 'unknown', reason: 'the value below this key is not known from its structure (subkeys)' };
  const [part, ...rest] = parts as [PathPart, ...PathPart[]];
  if (shape.type === 'object') {
    if (!part.pattern) {
      const child = Object.prototype.hasOwnProperty.call(shape.keys, part.text) ? shape.keys[part.text] : undefined;
      return child ? evaluateParts(child, rest) : { status: 'not_found' };
    }
    // gjson takes the first key (in key-sorted marshalled JSON) that matches and whose rest exists.
    for (const key of Object.keys(shape.keys).sort()) {
      if (!partMatches(part, key)) continue;
      const r = evaluateParts(shape.keys[key] as ValueShape, rest);
      if (r.status !== 'not_found') return r.status === 'found' ? { status: 'found', multi: true } : r;
    }
    return { status: 'not_found' };
  }
  if (shape.type === 'array') {
    if (part.escaped) return { status: 'unknown', reason: 'escaped array path component' };
    if (!part.pattern && part.text === '#') {
      if (rest.length === 0) return { status: 'found', shape: { type: 'number' } };
      // `arr.#.rest` always exists: a JSON array of the elements where `rest` exists (maybe `[]`).
      return { status: 'found', shape: { type: 'array', items: [] }, multi: true };
    }
    if (!part.pattern && /^[0-9]+$/.test(part.text)) {
      const item = shape.items[Number(part.text)];
      return item ? evaluateParts(item, rest) : { status: 'not_found' };
    }
    return { status: 'not_found' };
  }
  return { status: 'not_found' };
}

/** Escape a key for use as one gjson path component. */
export function escapeGjsonKey(key: string): string {
  const body = key.replace(/[\\.*?|]/g, (c) => `\\${c}`);
  return /^[#@![{]/.test(body) ? `\\${body}` : body;
}
