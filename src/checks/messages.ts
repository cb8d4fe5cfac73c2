// How findings read in kubectl's output and in an Argo CD sync result: one line each.
import { displayText } from './display-text.js';
import type { Finding } from './finding.js';
import type { CheckedResource } from './result.js';

const flat = displayText;

/** `[Code] field: message Fix: hint` (errors in a denial). */
export function errorLine(f: Finding): string {
  const hint = f.hint ? ` Fix: ${flat(f.hint)}` : '';
  return `[${f.code}] ${f.field}: ${flat(f.message)}${hint}`;
}

/** `[Code] field: message` (warnings). */
export function warningLine(f: Finding): string {
  return `[${f.code}] ${f.field}: ${flat(f.message)}`;
}

export function describeResource(r: Pick<CheckedResource, 'kind' | 'name'> & { namespace?: string | null }): string {
  return displayText(r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`);
}

/**
 * The denial message. It follows `admission webhook "…" denied the request: ` on the same line, so
 * the first line is a complete sentence; every error is then one line of its own.
 */
export function denialMessage(resource: CheckedResource, errors: readonly Finding[]): string {
  const n = errors.length;
  return [`${describeResource(resource)} has ${n} problem${n === 1 ? '' : 's'} that ESO would fail on:`, ...errors.map(errorLine)].join('\n');
}
