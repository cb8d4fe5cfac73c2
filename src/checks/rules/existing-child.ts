// The namespaces ESO skips for a cluster-scoped object because the object it would create there
// already exists under another controller (clusterpushsecret_controller.go:147-154 and
// clusterexternalsecret_controller.go:215-229 updateProvisionedNamespaces; isPushSecretOwnedBy
// compares apiVersion, kind and name, isExternalSecretOwnedBy group, kind and name).
import type { ChildKind, ControllerRef, ExistingObjectLookup } from '../existing-objects.js';
import type { Finding } from '../finding.js';

export interface ChildSpec {
  childKind: ChildKind;
  childName: string;
  ownerKind: 'ClusterPushSecret' | 'ClusterExternalSecret';
  ownerName: string;
  /** Where the child's name is set on the owner (spec.pushSecretName, or metadata.name when it defaults). */
  nameField: string;
}

function controlledBy(c: ControllerRef | undefined, spec: ChildSpec): boolean {
  if (!c || c.kind !== spec.ownerKind || c.name !== spec.ownerName) return false;
  return spec.ownerKind === 'ClusterPushSecret' ? c.apiVersion === 'external-secrets.io/v1alpha1' : c.apiVersion.split('/')[0] === 'external-secrets.io';
}

/** The finding for namespace `ns`, or undefined when ESO creates or updates the child there (or it is not known). */
export async function existingChildFinding(existing: ExistingObjectLookup, spec: ChildSpec, ns: string, deadlineAtMs: number): Promise<Finding | undefined> {
  const found = await existing.get(spec.childKind, ns, spec.childName, deadlineAtMs);
  if (found.status !== 'present' || controlledBy(found.controller, spec)) return undefined;
  const c = found.controller;
  const whose = c ? `controlled by ${c.kind} "${c.name}"` : 'controlled by no object';
  const where = found.source === 'files' ? 'among the checked files' : 'in the cluster';
  const eso = spec.childKind === 'PushSecret' ? 'push secret already exists in namespace' : 'external secret already exists in namespace';
  return {
    code: 'ExistingObjectNotOwned',
    // The files may be applied in another order than the cluster will see them: not certain there.
    severity: found.source === 'files' ? 'warning' : 'error',
    field: spec.nameField,
    message: `${spec.childKind} "${spec.childName}" already exists ${where} (${whose}), so ESO leaves it alone there, lists the namespace in status.failedNamespaces with "${eso}" and marks the ${spec.ownerKind} "one or more namespaces failed".`,
    hint: `Give the ${spec.ownerKind} another ${spec.nameField === 'metadata.name' ? `name (or set ${spec.childKind === 'PushSecret' ? 'spec.pushSecretName' : 'spec.externalSecretName'})` : spec.nameField}, or delete or rename the existing ${spec.childKind}.`,
  };
}

/** True when spec[field] names the child (else it defaults to the owner's name). */
export function hasOwnName(obj: Record<string, unknown>, field: string): boolean {
  const spec = obj['spec'] !== null && typeof obj['spec'] === 'object' ? (obj['spec'] as Record<string, unknown>) : {};
  return typeof spec[field] === 'string' && spec[field] !== '';
}
