// Turns ajv's error objects into one sentence per problem that names the field, what is allowed
// and what was found, e.g. `admission.failureMode must be one of failOpen, failClosed (got "open")`.
import type { ErrorObject } from 'ajv';

/** `/spec/data/1/remoteRef` → `spec.data[1].remoteRef`; the root is shown as `(root)`. */
export function fieldPath(instancePath: string, child?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out === '' ? s : `.${s}`;
  }
  return out === '' ? '(root)' : out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

/** Needs ajv compiled with `verbose: true` so each error carries the offending value in `data`. */
export function formatAjvError(error: ErrorObject): string {
  const field = fieldPath(error.instancePath);
  const got = `(got ${describeValue(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${fieldPath(error.instancePath, String(params.missingProperty))} is missing`;
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      const name = fieldPath(error.instancePath, String(params.additionalProperty));
      return `${name} is not a known option${allowed.length ? ` (known: ${allowed.join(', ')})` : ''}`;
    }
    case 'enum':
      return `${field} must be one of ${list(params.allowedValues as unknown[])} ${got}`;
    case 'const':
      return `${field} must be ${JSON.stringify(params.allowedValue)} ${got}`;
    case 'type':
      return `${field} must be ${String(params.type)} ${got}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${field} must be ${String(params.comparison)} ${String(params.limit)} ${got}`;
    case 'minLength':
      return `${field} must not be empty ${got}`;
    case 'discriminator': {
      // A oneOf chosen by one property (vault login `method`): name the property and its allowed values.
      const tag = String(params.tag);
      const value = params.tagValue;
      if (value === undefined) return `${fieldPath(error.instancePath, tag)} is missing`;
      const branches = (error.parentSchema?.oneOf as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> }[] | undefined) ?? [];
      const allowed = branches.flatMap((b) => {
        const t = b.properties?.[tag];
        return t?.enum ?? (t?.const !== undefined ? [t.const] : []);
      });
      return `${fieldPath(error.instancePath, tag)} must be one of ${list(allowed)} (got ${describeValue(value)})`;
    }
    case 'dependencies':
    case 'dependentRequired':
      return `${fieldPath(error.instancePath, String(params.missingProperty))} is missing (required when ${fieldPath(error.instancePath, String(params.property))} is set)`;
    default:
      return `${field} ${error.message ?? 'is invalid'} ${got}`;
  }
}

/** Unique messages in ajv's order; the summary errors of combinators repeat their branches' errors, so they are dropped. */
export function formatAjvErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const message = formatAjvError(e);
    if (!out.includes(message)) out.push(message);
  }
  return out;
}
