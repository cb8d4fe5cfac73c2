// ClusterExternalSecret: its ExternalSecret is checked once per selected namespace that exists
// (per-namespace-check.ts), with that namespace's store, conditions and identity.
import { externalSecretFor, parseClusterExternalSecret } from '../eso/cluster-external-secret.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import { checkPerNamespace } from './per-namespace-check.js';
import type { CheckResult } from './result.js';

export { MAX_CHECKED_NAMESPACES } from './per-namespace-check.js';

export async function checkClusterExternalSecret(
  obj: Record<string, unknown>,
  lookup: StoreLookup,
  collector: Collector,
  checkExternalSecret: (es: Record<string, unknown>) => Promise<CheckResult>,
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
    },
    lookup,
    collector,
    (ns) => checkExternalSecret(externalSecretFor(model, ns)),
  );
}
