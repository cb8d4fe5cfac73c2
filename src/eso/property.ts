// remoteRef.property on a value shape, as ESO resolves it (providers/v1/vault/client_get.go
// getSecretValue): "" = the whole secret; an exact top-level key wins; otherwise a gjson path.
// Only existence is decided; no value is ever computed or returned.
import { escapeGjsonKey, evaluateParts, parseGjsonPath, type Evaluation } from './gjson-path.js';
import type { ValueShape } from './value-shape.js';

export interface PropertyResolution {
  status: 'found' | 'not_found' | 'unknown';
  /** Existing key paths closest to the property, best first, at most 5. */
  candidates: string[];
}

const MAX_CANDIDATES = 5;
const MAX_KEY_PATHS = 2000;

/** The evaluation with the result's shape where it is a single value (used by extract checks). */
export function evaluateProperty(shape: ValueShape, property: string): Evaluation {
  // Vault returned no secret: ESO fails with "Secret does not exist" whatever the property.
  if (shape.type === 'null') return { status: 'not_found' };
  if (property === '') return { status: 'found', shape };
  if (shape.type === 'object' && Object.prototype.hasOwnProperty.call(shape.keys, property)) {
    return { status: 'found', shape: shape.keys[property] as ValueShape };
  }
  const parsed = parseGjsonPath(property);
  if (!parsed.ok) return { status: 'unknown', reason: parsed.reason };
  return evaluateParts(shape, parsed.parts);
}

export function resolvePropertyOnShape(shape: ValueShape, property: string): PropertyResolution {
  const r = evaluateProperty(shape, property);
  if (r.status !== 'not_found') return { status: r.status, candidates: [] };
  return { status: 'not_found', candidates: rankCandidates(property, listKeyPaths(shape)) };
}

/**
 * gjson-style key paths of a shape (`a`, `a.b`, `arr.0`, `arr.0.x`). Top-level keys are listed as
 * written (ESO matches an exact top-level key before gjson); nested names are escaped (`certs.tls\.crt`).
 */
export function listKeyPaths(shape: ValueShape): readonly string[] {
  // Shapes come from cached facts and are never changed: one listing per shape (frozen, shared).
  let paths = keyPathsByShape.get(shape);
  if (!paths) keyPathsByShape.set(shape, (paths = Object.freeze(computeKeyPaths(shape))));
  return paths;
}

const keyPathsByShape = new WeakMap<ValueShape, readonly string[]>();

function computeKeyPaths(shape: ValueShape): string[] {
  const out: string[] = [];
  const walk = (s: ValueShape, prefix: string | undefined): void => {
    if (out.length >= MAX_KEY_PATHS) return;
    if (s.type === 'object') {
      for (const key of Object.keys(s.keys).sort()) {
        const p = prefix === undefined ? key : `${prefix}.${escapeGjsonKey(key)}`;
        out.push(p);
        walk(s.keys[key] as ValueShape, p);
      }
    } else if (s.type === 'array' && prefix !== undefined) {
      s.items.forEach((item, i) => {
        const p = `${prefix}.${i}`;
        out.push(p);
        walk(item, p);
      });
    }
  };
  walk(shape, undefined);
  return out;
}

export function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

/** "Did you mean": the `data.` prefix case first, then case-insensitive equality, then edit distance. */
export function rankCandidates(property: string, paths: readonly string[]): string[] {
  const scored: { path: string; score: number }[] = [];
  const lower = property.toLowerCase();
  const withoutData = property.startsWith('data.') ? property.slice('data.'.length) : undefined;
  const lastOf = (p: string): string => p.split(/(?<!\\)\./).pop() ?? p;
  for (const path of paths) {
    let score: number | undefined;
    if (withoutData !== undefined && path === withoutData) score = -3;
    else if (path.toLowerCase() === lower) score = -2;
    else if (path.replace(/\\\./g, '.') === property) score = -1; // an unescaped dot inside a nested name
    else {
      const d = editDistance(property, path);
      const limit = Math.max(2, Math.floor(Array.from(property).length / 3));
      if (d <= limit) score = d;
      else if (property.includes('.') && lastOf(path) === lastOf(property)) score = limit + 1;
    }
    if (score !== undefined) scored.push({ path, score });
  }
  scored.sort((a, b) => a.score - b.score || a.path.localeCompare(b.path));
  return scored.slice(0, MAX_CANDIDATES).map((s) => s.path);
}

export interface ExtractResolution {
  /** ok: resolves to an object; not_object: ESO's json.Unmarshal into a map fails; unknown: depends on a value. */
  status: 'ok' | 'not_found' | 'not_object' | 'unknown';
  /** For not_object: the Go error ESO reports. */
  error?: string;
  candidates: string[];
}

/**
 * `dataFrom[].extract` with `property`: ESO reads the property like `data[]` does, then
 * json.Unmarshals the bytes into a map, so the result must be a JSON object. A string may hold JSON
 * text (that works), so a string result is 'unknown'.
 */
export function resolveExtractOnShape(shape: ValueShape, property: string): ExtractResolution {
  const r = evaluateProperty(shape, property);
  if (r.status === 'not_found') return { status: 'not_found', candidates: rankCandidates(property, listKeyPaths(shape)) };
  if (r.status === 'unknown' || !r.shape) return { status: 'unknown', candidates: [] };
  const t = r.shape.type;
  if (t === 'object') return { status: 'ok', candidates: [] };
  if (t === 'string' || t === 'unknown') return { status: 'unknown', candidates: [] };
  if (t === 'null') return { status: 'not_object', error: 'unexpected end of JSON input', candidates: [] };
  const goType = t === 'boolean' ? 'bool' : t;
  return { status: 'not_object', error: `json: cannot unmarshal ${goType} into Go value of type map[string]interface {}`, candidates: [] };
}
