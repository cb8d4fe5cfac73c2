// ClusterPushSecret: its PushSecret is checked once per selected namespace that exists
// (per-namespace-check.ts), with that namespace's stores, conditions and identity.
import { parseClusterPushSecret, pushSecretFor } from '../eso/cluster-push-secret.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import { checkPerNamespace } from './per-namespace-check.js';
import type { CheckResult } from './result.js';
import type { ExistingObjectLookup } from './existing-objects.js';
import type { Finding } from './finding.js';

const PS_API_VERSION = 'external-secrets.io/v1alpha1';

export async function checkClusterPushSecret(
  obj: Record<string, unknown>,
  lookup: StoreLookup,
  collector: Collector,
  checkPushSecret: (ps: Record<string, unknown>) => Promise<CheckResult>,
  opts: { existing?: ExistingObjectLookup; deadlineAtMs: number } = { deadlineAtMs: Infinity },
): Promise<void> {
  const model = parseClusterPushSecret(obj);
  if (model.selectors.length === 0) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec.namespaceSelectors', message: `ClusterPushSecret "${model.name}" has no namespaceSelectors: ESO creates no PushSecret, so nothing was checked.`, hint: 'Add spec.namespaceSelectors (a {} selector selects every namespace).' });
    return;
  }
  await checkPerNamespace(
    {
      ownerKind: 'ClusterPushSecret',
      ownerName: model.name,
      childKind: 'PushSecret',
      childName: model.psName,
      specField: 'spec.pushSecretSpec',
      selectors: model.selectors,
      invalidSelectorMessage: (error) => `ESO cannot convert this selector, creates the PushSecret in no namespace and marks the ClusterPushSecret "failed to get target Namespaces" (failed to convert label selector …: ${error}).`,
      ...(opts.existing ? { precheck: (ns: string) => notOwned(opts.existing!, model.name, model.psName, ns, opts.deadlineAtMs, obj) } : {}),
    },
    lookup,
    collector,
    (ns) => checkPushSecret(pushSecretFor(model, ns)),
  );
}

/**
 * updateProvisionedNamespaces: a PushSecret of that name whose controller is not this
 * ClusterPushSecret (apiVersion, kind and name compared) makes ESO skip the namespace.
 */
async function notOwned(existing: ExistingObjectLookup, cpsName: string, psName: string, ns: string, deadlineAtMs: number, obj: Record<string, unknown>): Promise<Finding | undefined> {
  const found = await existing.pushSecret(ns, psName, deadlineAtMs);
  if (found.status !== 'present') return undefined;
  const c = found.controller;
  if (c && c.apiVersion === PS_API_VERSION && c.kind === 'ClusterPushSecret' && c.name === cpsName) return undefined;
  const spec = obj['spec'] !== null && typeof obj['spec'] === 'object' ? (obj['spec'] as Record<string, unknown>) : {};
  const field = typeof spec['pushSecretName'] === 'string' && spec['pushSecretName'] !== '' ? 'spec.pushSecretName' : 'metadata.name';
  const whose = c ? `controlled by ${c.kind} "${c.name}"` : 'controlled by no object';
  const where = found.source === 'files' ? 'among the checked files' : 'in the cluster';
  return {
    code: 'ExistingObjectNotOwned',
    // The files may be applied in another order than the cluster will see them: not certain there.
    severity: found.source === 'files' ? 'warning' : 'error',
    field,
    message: `PushSecret "${psName}" already exists ${where} (${whose}), so ESO leaves it alone there, lists the namespace in status.failedNamespaces with "push secret already exists in namespace" and marks the ClusterPushSecret "one or more namespaces failed".`,
    hint: `Give the ClusterPushSecret another spec.pushSecretName, or delete or rename the existing PushSecret.`,
  };
}
