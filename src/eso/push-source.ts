// Where a PushSecret's source Secret comes from, as ESO v2.9.0's controller resolves it
// (pkg/controllers/pushsecret/pushsecret_controller.go resolveSecrets): `selector.secret.name`
// first (one Secret), else `selector.generatorRef` (a generated Secret), else
// `selector.secret.selector` (every Secret of the namespace with those labels, each pushed in
// turn); with none of them, "no secret selector provided". Any failure there is marked on the
// PushSecret as "could not get source secret" before a store is looked at. The CRD lets
// `selector.secret: {}` through (only `selector` has Min/MaxProperties 1).
// None of these changes a Vault path: remote keys come from spec.data/dataTo alone.
import { labelSelectorError, labelSelectorFrom } from './label-selector.js';
import type { PushProblem } from './push-secret.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** ESO's condition message for every resolveSecrets failure (errFailedGetSecret). */
export const ERR_FAILED_GET_SECRET = 'could not get source secret';

export type PushSource =
  | { kind: 'secret'; name: string }
  | { kind: 'generator' }
  | { kind: 'labels' }
  | { kind: 'none' };

/** The source ESO resolves for `spec.selector`, with the problems that fail the resolution. */
export function pushSource(spec: Obj): { source: PushSource; problems: PushProblem[] } {
  const selector = isObj(spec['selector']) ? spec['selector'] : {};
  const secret = isObj(selector['secret']) ? selector['secret'] : undefined;
  const name = secret && typeof secret['name'] === 'string' ? secret['name'] : '';
  if (name !== '') return { source: { kind: 'secret', name }, problems: [] };
  if (selector['generatorRef'] != null) return { source: { kind: 'generator' }, problems: [] };
  if (secret && secret['selector'] != null) {
    const raw = secret['selector'];
    const error = isObj(raw) ? labelSelectorError(labelSelectorFrom(raw)) : 'not a label selector';
    if (error === undefined) return { source: { kind: 'labels' }, problems: [] };
    return {
      source: { kind: 'none' },
      problems: [{
        code: 'InvalidSelector',
        field: 'spec.selector.secret.selector',
        eso: ERR_FAILED_GET_SECRET,
        message: `ESO cannot convert this label selector (${error}), so it finds no source Secret.`,
        hint: "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn (with values), Exists, DoesNotExist (without).",
      }],
    };
  }
  const field = secret ? 'spec.selector.secret' : 'spec.selector';
  return {
    source: { kind: 'none' },
    problems: [{
      field,
      eso: ERR_FAILED_GET_SECRET,
      message: `${field} names no Secret, no label selector and no generator, so ESO has nothing to push ("no secret selector provided").`,
      hint: 'Set spec.selector.secret.name (one Secret), spec.selector.secret.selector (Secrets by label) or spec.selector.generatorRef.',
    }],
  };
}

/**
 * The CRD's CEL rule on `dataTo[].rewrite[]` (pushsecret_types.go:260, PushSecretRewrite): exactly
 * one of regexp or transform. The API server refuses the object; `check` reads files it never saw.
 */
export function rewriteRuleProblems(spec: Obj): PushProblem[] {
  const out: PushProblem[] = [];
  (Array.isArray(spec['dataTo']) ? (spec['dataTo'] as unknown[]) : []).forEach((d, i) => {
    const rewrite = isObj(d) && Array.isArray(d['rewrite']) ? (d['rewrite'] as unknown[]) : [];
    rewrite.forEach((r, j) => {
      const o = isObj(r) ? r : {};
      if ((o['regexp'] != null) !== (o['transform'] != null)) return;
      out.push({
        field: `spec.dataTo[${i}].rewrite[${j}]`,
        eso: 'exactly one of regexp or transform must be set',
        message: `The CRD's validation rule refuses this entry: spec.dataTo[${i}].rewrite[${j}]: Invalid value: "object": exactly one of regexp or transform must be set.`,
        hint: `Keep one of spec.dataTo[${i}].rewrite[${j}].regexp and .transform.`,
      });
    });
  });
  return out;
}
