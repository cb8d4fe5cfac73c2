// ClusterSecretStore spec.conditions that ESO cannot evaluate: a namespaceSelector or a
// namespaces[] entry that metav1.LabelSelectorAsSelector rejects. ESO admits such a store (its
// webhook checks regexes only) and then fails every ExternalSecret whose namespace reaches the bad
// selector with "failed to convert label selector into selector". A warning here; the error is
// reported on each ExternalSecret it breaks.
import { labelSelectorError } from '../../eso/label-selector.js';
import { NAMESPACE_NAME_LABEL } from '../../eso/conditions.js';
import type { StoreModel } from '../../eso/model.js';
import type { Finding } from '../finding.js';

export function storeConditionFindings(store: StoreModel): Finding[] {
  if (store.kind !== 'ClusterSecretStore') return [];
  const out: Finding[] = [];
  const report = (field: string, error: string): void => {
    out.push({
      code: 'InvalidSelector',
      severity: 'warning',
      field,
      message: `ESO cannot convert this label selector; every ExternalSecret whose namespace is checked against it fails with "failed to convert label selector into selector …: ${error}".`,
      hint: "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters (keys may have a DNS prefix and '/'); operators In, NotIn (with values), Exists, DoesNotExist (without).",
    });
  };
  for (const c of store.conditions) {
    if (c.namespaceSelector) {
      const error = labelSelectorError(c.namespaceSelector);
      if (error !== undefined) report(`${c.field}.namespaceSelector`, error);
    }
    (c.namespaces ?? []).forEach((n, i) => {
      const error = labelSelectorError({ matchLabels: { [NAMESPACE_NAME_LABEL]: n } });
      if (error !== undefined) report(`${c.field}.namespaces[${i}]`, error);
    });
  }
  return out;
}
