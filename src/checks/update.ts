// UPDATE admissions: a change that leaves `spec` as it was (status, labels, annotations other than
// ours) needs no Vault lookup. Our own annotations and skip label change the decision, so they count
// as spec. The webhook configurations' matchConditions mirror this (deploy/base/webhooks.yaml).
import { isDeepStrictEqual } from 'node:util';
import { MODE_KEY, SKIP_CODES_ANNOTATION } from './decide.js';
import { SKIP_LABEL } from './overrides.js';

function part(obj: unknown): { spec: unknown; ours: unknown[] } {
  const o = (obj && typeof obj === 'object' ? obj : {}) as Record<string, unknown>;
  const meta = (o['metadata'] && typeof o['metadata'] === 'object' ? o['metadata'] : {}) as Record<string, unknown>;
  const ann = (meta['annotations'] && typeof meta['annotations'] === 'object' ? meta['annotations'] : {}) as Record<string, unknown>;
  const labels = (meta['labels'] && typeof meta['labels'] === 'object' ? meta['labels'] : {}) as Record<string, unknown>;
  return { spec: o['spec'], ours: [ann[MODE_KEY], ann[SKIP_CODES_ANNOTATION], labels[SKIP_LABEL]] };
}

export function specUnchanged(obj: unknown, oldObj: unknown): boolean {
  if (oldObj === undefined || oldObj === null) return false;
  return isDeepStrictEqual(part(obj), part(oldObj));
}
