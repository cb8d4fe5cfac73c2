// The shape of a secret's data: key names, nesting and value *types*, never values.
// The Vault layer converts a response into a shape at once and drops the values, so property
// checks ("does `property` exist?", "did you mean …?") can run without any secret value in memory.

export type ValueShape =
  | { type: 'string' }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'null' }
  | { type: 'array'; items: ValueShape[] }
  | { type: 'object'; keys: Record<string, ValueShape> }
  /** A leaf of KV v2 `subkeys`: a scalar, an array or an empty map, which subkeys does not tell apart. */
  | { type: 'unknown' };

export function toValueShape(value: unknown): ValueShape {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'number' || typeof value === 'bigint') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value)) return { type: 'array', items: value.map(toValueShape) };
  if (typeof value === 'object') {
    const keys: Record<string, ValueShape> = Object.create(null) as Record<string, ValueShape>;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) keys[k] = toValueShape(v);
    return { type: 'object', keys };
  }
  return { type: 'string' };
}

/**
 * The shape of a KV v2 `subkeys` tree: non-empty maps are objects, every null is an `unknown` leaf
 * (hashicorp/vault-plugin-secrets-kv and openbao builtin/logical/kv path_subkeys.go removeValues).
 */
export function subkeysShape(tree: Record<string, unknown>): ValueShape {
  const keys: Record<string, ValueShape> = Object.create(null) as Record<string, ValueShape>;
  for (const [k, v] of Object.entries(tree)) {
    keys[k] = v !== null && typeof v === 'object' && !Array.isArray(v) ? subkeysShape(v as Record<string, unknown>) : { type: 'unknown' };
  }
  return { type: 'object', keys };
}

/** True when the shape has a leaf whose type is unknown (it came from subkeys). */
export function hasUnknownLeaves(shape: ValueShape): boolean {
  if (shape.type === 'unknown') return true;
  if (shape.type === 'object') return Object.values(shape.keys).some(hasUnknownLeaves);
  if (shape.type === 'array') return shape.items.some(hasUnknownLeaves);
  return false;
}
