// Typed reads of untrusted manifest fields. A wrong type never throws: it becomes a
// MalformedReference problem naming the field path, and the read returns undefined.
import type { EsoProblem } from './model.js';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

export class FieldReader {
  readonly problems: EsoProblem[] = [];

  problem(field: string, message: string, hint?: string): void {
    this.problems.push({ code: 'MalformedReference', field, message, ...(hint ? { hint } : {}) });
  }

  private wrongType(field: string, expected: string, found: unknown): undefined {
    this.problem(field, `${field} must be ${expected}, found ${typeName(found)}.`, `Set ${field} to ${expected}.`);
    return undefined;
  }

  /** An object, or undefined when absent/null. */
  obj(v: unknown, field: string): Json | undefined {
    if (v === undefined || v === null) return undefined;
    return isObject(v) ? v : this.wrongType(field, 'an object', v);
  }

  str(v: unknown, field: string, opts: { required?: boolean } = {}): string | undefined {
    if (v === undefined || v === null) {
      if (opts.required) this.problem(field, `${field} is required but missing.`, `Set ${field}.`);
      return undefined;
    }
    // Numbers and booleans in YAML are not strings to the API server either.
    return typeof v === 'string' ? v : this.wrongType(field, 'a string', v);
  }

  bool(v: unknown, field: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrongType(field, 'true or false', v);
  }

  int(v: unknown, field: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isInteger(v) ? v : this.wrongType(field, 'an integer', v);
  }

  arr(v: unknown, field: string): unknown[] | undefined {
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) ? v : this.wrongType(field, 'a list', v);
  }

  strArray(v: unknown, field: string): string[] | undefined {
    const list = this.arr(v, field);
    if (!list) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
      const s = this.str(item, `${field}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  strMap(v: unknown, field: string): Record<string, string> | undefined {
    const o = this.obj(v, field);
    if (!o) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) {
      const s = this.str(val, `${field}.${k}`);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  enumOf<T extends string>(v: unknown, field: string, allowed: readonly T[]): T | undefined {
    const s = this.str(v, field);
    if (s === undefined) return undefined;
    if ((allowed as readonly string[]).includes(s)) return s as T;
    this.problem(field, `${field} must be one of ${allowed.join(', ')}, found "${s}".`, `Set ${field} to one of ${allowed.join(', ')}.`);
    return undefined;
  }
}
