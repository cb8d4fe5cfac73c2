// JSON merge patch (RFC 7386) and JSON patch (RFC 6902) for the Kubernetes API double: the two
// patch types the product sends. Hand-written because no patch library is installed and the
// double needs only these few operations.

export class JsonPatchError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer ${pointer}`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Op { op: string; path: string; value?: unknown; from?: string }

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError('a JSON patch must be an array');
  let doc = structuredClone(target);
  for (const raw of patch as Op[]) {
    const parts = decodePointer(raw.path);
    if (parts.length === 0) {
      if (raw.op === 'test') {
        if (JSON.stringify(doc) !== JSON.stringify(raw.value)) throw new JsonPatchError('test operation failed');
        continue;
      }
      doc = structuredClone(raw.value);
      continue;
    }
    const last = parts[parts.length - 1]!;
    let parent: unknown = doc;
    for (const p of parts.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(p)] : isObject(parent) ? parent[p] : undefined;
      if (parent === undefined) throw new JsonPatchError(`path ${raw.path} does not exist`);
    }
    const has = Array.isArray(parent) ? Number(last) < parent.length : isObject(parent) && last in parent;
    const current = Array.isArray(parent) ? parent[Number(last)] : isObject(parent) ? parent[last] : undefined;
    switch (raw.op) {
      case 'test':
        if (JSON.stringify(current) !== JSON.stringify(raw.value)) throw new JsonPatchError(`test operation failed at ${raw.path}`);
        break;
      case 'add':
        if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, structuredClone(raw.value) as Json);
        else (parent as Record<string, unknown>)[last] = structuredClone(raw.value);
        break;
      case 'replace':
        if (!has) throw new JsonPatchError(`path ${raw.path} does not exist`);
        if (Array.isArray(parent)) parent[Number(last)] = structuredClone(raw.value) as Json;
        else (parent as Record<string, unknown>)[last] = structuredClone(raw.value);
        break;
      case 'remove':
        if (!has) throw new JsonPatchError(`path ${raw.path} does not exist`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete (parent as Record<string, unknown>)[last];
        break;
      default:
        throw new JsonPatchError(`unsupported op ${raw.op}`);
    }
  }
  return doc;
}
