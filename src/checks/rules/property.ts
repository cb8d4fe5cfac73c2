// remoteRef.property against the real key paths of a secret the store's identity may read.
import type { Finding } from '../finding.js';

export interface PropertyInput {
  /** `spec.data[0].remoteRef.property`. */
  field: string;
  property: string;
  secretPath: string;
  resolution: { status: 'found' | 'not_found' | 'unknown'; candidates: string[] };
  /** Key paths of the secret (shown when no candidate is close). */
  keyPaths: readonly string[];
  /** Classic-mistake hints (`data.` prefix ...). */
  hints: string[];
}

const MAX_LISTED_KEYS = 10;

export function propertyFindings(input: PropertyInput): Finding[] {
  if (input.resolution.status !== 'not_found') return [];
  const parts: string[] = [];
  if (input.resolution.candidates.length > 0) {
    parts.push(`Did you mean ${input.resolution.candidates.map((c) => `"${c}"`).join(' or ')}?`);
  } else if (input.keyPaths.length > 0) {
    const shown = input.keyPaths.slice(0, MAX_LISTED_KEYS).map((k) => `"${k}"`).join(', ');
    parts.push(`The secret's keys are ${shown}${input.keyPaths.length > MAX_LISTED_KEYS ? ', …' : ''}.`);
  }
  // The `data.` prefix hint names the same key as "did you mean": say why once instead of the key twice.
  const candidates = input.resolution.candidates;
  const hints = input.hints.filter((h) => !candidates.some((c) => h === `Use property: "${c}".`));
  if (hints.length < input.hints.length) parts.push('A KV v2 store has already unwrapped Vault\'s "data" envelope, so the property takes no "data." prefix.');
  parts.push(...hints);
  return [
    {
      code: 'PropertyNotFound',
      severity: 'error',
      field: input.field,
      message: `${input.secretPath} has no property "${input.property}" (ESO: cannot find secret data for key: ${JSON.stringify(input.property)}).`,
      ...(parts.length > 0 ? { hint: parts.join(' ') } : {}),
      // One candidate in a secret the store's identity may read: the certain fix (`fix` applies it).
      ...(candidates.length === 1 && candidates[0] !== undefined ? { fix: { field: input.field, value: candidates[0] } } : {}),
    },
  ];
}

/** `dataFrom[].extract.property` must resolve to a JSON object ESO can split into keys. */
export function extractPropertyFindings(input: Omit<PropertyInput, 'resolution'> & {
  resolution: { status: 'ok' | 'not_found' | 'not_object' | 'unknown'; error?: string; candidates: string[] };
}): Finding[] {
  const r = input.resolution;
  if (r.status === 'not_found') return propertyFindings({ ...input, resolution: { status: 'not_found', candidates: r.candidates } });
  if (r.status !== 'not_object') return [];
  return [
    {
      code: 'PropertyNotFound',
      severity: 'error',
      field: input.field,
      message: `Property "${input.property}" of ${input.secretPath} is not an object, so dataFrom.extract cannot split it into keys (ESO: ${r.error ?? 'not an object'}).`,
      hint: 'Point extract.property at an object, or read this value with spec.data[] and remoteRef.property instead.',
    },
  ];
}

/**
 * A property the key structure cannot decide (KV v2 `subkeys` shows no values, KV v1 has no
 * structure endpoint): never a PropertyNotFound; the operator may let the webhook read values.
 */
export function propertyNotVerifiableFinding(args: { field: string; property: string; secretPath: string; why: string; mount: string }): Finding {
  return {
    code: 'NotVerifiable',
    severity: 'info',
    field: args.field,
    message: `Expected to decide from the key structure of ${args.secretPath} whether property ${JSON.stringify(args.property)} exists, found that ${args.why}; it is not checked.`,
    hint: `An operator may list "${args.mount}" in the webhook's vault.servers[].valueReadMounts to check such properties (the webhook then reads secret values on that mount).`,
  };
}
