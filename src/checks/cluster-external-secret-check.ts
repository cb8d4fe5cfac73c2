// ClusterExternalSecret: its ExternalSecret is checked once per selected namespace that exists
// (per-namespace-check.ts), with that namespace's store, conditions and identity.
import { externalSecretFor, parseClusterExternalSecret } from '../eso/cluster-external-secret.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import { checkPerNamespace } from './per-namespace-check.js';
import type { CheckResult } from './result.js';
import type { ExistingObjectLookup } from './existing-objects.js';
import { existingChildFinding, hasOwnName } from './rules/existing-child.js';

export { MAX_CHECKED_NAMESPACES } from './per-namespace-check.js';

export async function checkClusterExternalSecret(
  obj: Record<string, unknown>,
  lookup: StoreLookup,
  collector: Collector,
  checkExternalSecret: (es: Record<string, unknown>) => Promise<CheckResult>,
  opts: { existing?: ExistingObjectLookup; deadlineAtMs: number } = { deadlineAtMs: Infinity },
): Promise<void> {
  const model = parseClusterExternalSecret(obj);
  await checkPerNamespace(
    {
      ownerKind: 'ClusterExternalSecret',
      ownerName: model.name,
      childKind: 'ExternalSecret',
      childName: model.esName,
      specField: 'spec.externalSecretSpec',
      selectors: model.selectors,
      invalidSelectorMessage: (error) => `ESO cannot convert this selector and creates the ExternalSecret in no namespace: "failed to convert label selector …: ${error}".`,
      ...(opts.existing ? { precheck: (ns: string) => existingChildFinding(opts.existing!, { childKind: 'ExternalSecret', childName: model.esName, ownerKind: 'ClusterExternalSecret', ownerName: model.name, nameField: hasOwnName(obj, 'externalSecretName') ? 'spec.externalSecretName' : 'metadata.name' }, ns, opts.deadlineAtMs) } : {}),
    },
    lookup,
    collector,
    (ns) => checkExternalSecret(externalSecretFor(model, ns)),
  );
}
