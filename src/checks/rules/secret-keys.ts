// The Secret keys a dataFrom entry produces, judged as ESO and the API server judge them: a
// collision after conversion and a key ESO's ValidateKeys rejects fail the sync with ESO's text;
// a key ESO accepts (Unicode letters) but the API server rejects fails when ESO writes the Secret.
import { deriveSecretKeys, type KeyPipelineResult } from '../../eso/key-pipeline.js';
import { evaluateProperty } from '../../eso/property.js';
import type { ValueShape } from '../../eso/value-shape.js';
import type { ReferencePlan } from '../../eso/model.js';
import type { Finding } from '../finding.js';

export function secretKeyFindings(plan: ReferencePlan, result: KeyPipelineResult, target: string): Finding[] {
  if (result.status === 'ok') return [];
  if (result.status === 'unknown') {
    if (result.index === undefined) return [];
    return [{
      code: 'NotVerifiable',
      severity: 'info',
      field: `${plan.field}.rewrite[${result.index}]`,
      message: `The Secret keys this entry produces are not checked past this rewrite: ${result.reason}.`,
    }];
  }
  const source = plan.kind === 'find' ? 'find' : 'extract';
  const field = plan.rewrite && plan.rewrite.length > 0 ? `${plan.field}.rewrite` : `${plan.field}.${source}`;
  if (result.status === 'eso-error') {
    return [{
      code: 'SecretKeyInvalid',
      severity: 'error',
      field,
      message: `The keys this entry produces fail ESO's key handling (rewrite, then conversionStrategy without rewrite, then key validation); ESO fails with "error processing ${plan.field}.${source}, err: ${result.message}".`,
      hint: result.message.startsWith('error applying rewrite')
        ? 'Fix the rewrite named in the message (merge needs JSON objects without conflicting keys unless conflictPolicy: Ignore, and priority keys that exist unless priorityPolicy: IgnoreNotFound).'
        : result.message.includes('collision')
          ? 'Add a rewrite that keeps the keys distinct, or use conversionStrategy: Unicode.'
          : 'Add or fix a rewrite so every key holds only letters, digits, "-", "." and "_" (a "/" left by a rewrite is not converted).',
    }];
  }
  return [{
    code: 'SecretKeyInvalid',
    severity: 'error',
    field,
    message: `ESO accepts the key "${result.key}" (Unicode letters pass its check) but the API server rejects the Secret: "Secret \\"${target}\\" is invalid: ${result.message}".`,
    hint: 'Use conversionStrategy: Unicode or a rewrite so keys hold only ASCII letters, digits, "-", "." and "_".',
  }];
}

/** dataFrom.extract: the secret's keys (or those of the object `property` names) through ESO's pipeline; undefined when they are not an object. */
export function extractKeyResult(plan: ReferencePlan, shape: ValueShape): KeyPipelineResult | undefined {
  const property = plan.remoteRef?.property ?? '';
  const r = evaluateProperty(shape, property);
  if (r.status !== 'found' || !r.shape || r.shape.type !== 'object') return undefined;
  const rewrite = plan.rewrite ?? [];
  return rewrite.length === 0
    ? convertedKeys(r.shape, plan.remoteRef?.conversionStrategy)
    : deriveSecretKeys(Object.keys(r.shape.keys), rewrite, plan.remoteRef?.conversionStrategy, r.shape.keys);
}

export function extractKeyFindings(plan: ReferencePlan, shape: ValueShape, target: string): Finding[] {
  const result = extractKeyResult(plan, shape);
  return result ? secretKeyFindings(plan, result, target) : [];
}

// Without a rewrite the result depends only on the keys and the strategy: one pipeline run per
// cached shape (shapes come from cached facts and are never changed).
const convertedByShape = new WeakMap<ValueShape, Map<string, KeyPipelineResult>>();

function convertedKeys(shape: Extract<ValueShape, { type: 'object' }>, conversionStrategy: string | undefined): KeyPipelineResult {
  let byStrategy = convertedByShape.get(shape);
  if (!byStrategy) convertedByShape.set(shape, (byStrategy = new Map()));
  const key = conversionStrategy ?? '\u0000';
  let result = byStrategy.get(key);
  if (!result) byStrategy.set(key, (result = deriveSecretKeys(Object.keys(shape.keys), [], conversionStrategy, shape.keys)));
  return result;
}
