// Who may loosen the checks of one object. An object's own label and annotations are written by
// whoever writes the object, so honouring them everywhere would let every author opt out; the
// operator grants them per namespace (or everywhere, or nowhere) with admission.objectOverrides.
import type { AdmissionRequest } from '../server/admission-types.js';

import type { ObjectOverrides } from '../config/types.js';

/** Object label: do not check this object at all (where object overrides are granted). */
export const SKIP_LABEL = 'eso-vault-guard.io/skip';
/** Namespace label that grants object overrides under `namespaceGranted`. */
export const OBJECT_OVERRIDES_LABEL = 'eso-vault-guard.io/object-overrides';
export const OBJECT_OVERRIDES_GRANTED = 'allowed';

/**
 * Whether the object's own skip label, looser mode annotation and skip-codes count. Cluster-scoped
 * objects (ClusterSecretStore) are granted under `namespaceGranted`: writing one already takes a
 * cluster-level permission.
 */
export function objectOverridesGranted(policy: ObjectOverrides, namespace: string | undefined, namespaceLabels: Record<string, string> | undefined): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  if (namespace === undefined || namespace === '') return true;
  return namespaceLabels?.[OBJECT_OVERRIDES_LABEL] === OBJECT_OVERRIDES_GRANTED;
}

function labelsOf(obj: unknown): Record<string, unknown> {
  const meta = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)['metadata'] : undefined;
  const labels = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)['labels'] : undefined;
  return labels && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
}

/** The object carries `eso-vault-guard.io/skip=true`. */
export function hasSkipLabel(obj: unknown): boolean {
  return labelsOf(obj)[SKIP_LABEL] === 'true';
}

/** The request's namespace, or the object's for requests that leave it out. */
export function requestNamespace(request: AdmissionRequest): string | undefined {
  if (request.namespace) return request.namespace;
  const meta = request.object && typeof request.object === 'object' ? (request.object as Record<string, unknown>)['metadata'] : undefined;
  const ns = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)['namespace'] : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}
