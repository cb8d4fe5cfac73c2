// The shape of a secret's data: key names, nesting and value *types*, never values.
// The Vault layer converts a response into a shape at once and drops the values, so property
// checks ("does `property` exist?", "did you mean …?") can run without any secret value in memory.

export type ValueShape =
  | { type: 'string' }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'null' }
  | { type: 'array'; items: ValueShape[] }
  | { type: 'object'; keys: Record<string, ValueShape> };

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
