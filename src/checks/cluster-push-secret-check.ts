// ClusterPushSecret: its PushSecret is checked once per selected namespace that exists
// (per-namespace-check.ts), with that namespace's stores, conditions and identity.
import { parseClusterPushSecret, pushSecretFor } from '../eso/cluster-push-secret.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import { checkPerNamespace } from './per-namespace-check.js';
import type { CheckResult } from './result.js';
import type { ExistingObjectLookup } from './existing-objects.js';
import { existingChildFinding, hasOwnName } from './rules/existing-child.js';

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
      ...(opts.existing ? { precheck: (ns: string) => existingChildFinding(opts.existing!, { childKind: 'PushSecret', childName: model.psName, ownerKind: 'ClusterPushSecret', ownerName: model.name, nameField: hasOwnName(obj, 'pushSecretName') ? 'spec.pushSecretName' : 'metadata.name' }, ns, opts.deadlineAtMs) } : {}),
    },
    lookup,
    collector,
    (ns) => checkPushSecret(pushSecretFor(model, ns)),
  );
}
