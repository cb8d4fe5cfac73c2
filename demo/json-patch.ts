// Applies the JSONPatch a /mutate answer carries, as the API server does before calling the
// validating webhooks. Our mutations only ever `add` absent fields (their parents exist).
import type { JsonPatchOperation } from '../src/server/decision.js';

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function applyJsonPatch<T>(object: T, patch: readonly JsonPatchOperation[]): T {
  const out = structuredClone(object) as unknown;
  for (const op of patch) {
    if (op.op !== 'add' && op.op !== 'replace') throw new Error(`the demo applies add/replace patches only, got ${op.op}`);
    const parts = op.path.split('/').slice(1).map(unescape);
    const last = parts.pop();
    if (last === undefined) throw new Error('a patch of the whole object is not expected');
    let parent = out as Record<string, unknown>;
    for (const part of parts) parent = parent[part] as Record<string, unknown>;
    if (Array.isArray(parent) && last === '-') parent.push(op.value);
    else parent[last] = op.value;
  }
  return out as T;
}
