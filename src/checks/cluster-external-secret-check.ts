// ClusterExternalSecret: its ExternalSecret is checked once per selected namespace that exists,
// with that namespace's store, conditions and identity; findings say in which namespaces they
// hold (a bounded list and a count). Selectors go through LabelSelectorAsSelector first: ESO
// creates nothing when one does not convert.
import { externalSecretFor, parseClusterExternalSecret, selectNamespaces } from '../eso/cluster-external-secret.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import type { Finding } from './finding.js';
import type { CheckResult } from './result.js';

/** Namespaces checked per ClusterExternalSecret; the rest are counted. */
export const MAX_CHECKED_NAMESPACES = 20;
const LISTED = 5;

function specField(field: string): string {
  if (field === 'spec') return 'spec.externalSecretSpec';
  return field.startsWith('spec.') ? `spec.externalSecretSpec.${field.slice('spec.'.length)}` : field;
}

function nsList(names: string[], total: number): string {
  const shown = names.slice(0, LISTED).map((n) => `"${n}"`).join(', ');
  const more = total - Math.min(names.length, LISTED);
  return `${names.length === 1 && total === 1 ? 'namespace' : 'namespaces'} ${shown}${more > 0 ? ` (+${more} more)` : ''}`;
}

export async function checkClusterExternalSecret(
  obj: Record<string, unknown>,
  lookup: StoreLookup,
  collector: Collector,
  checkExternalSecret: (es: Record<string, unknown>) => Promise<CheckResult>,
): Promise<void> {
  const model = parseClusterExternalSecret(obj);
  const selection = selectNamespaces(model, lookup.listNamespaces?.(), (ns) => lookup.namespaceLabels(ns));
  if (selection.invalid) {
    collector.add({
      code: 'InvalidSelector',
      severity: 'error',
      field: selection.invalid.field,
      message: `ESO cannot convert this selector and creates the ExternalSecret in no namespace: "failed to convert label selector …: ${selection.invalid.error}".`,
      hint: "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn (with values), Exists, DoesNotExist (without).",
    });
    return;
  }
  let namespaces = selection.selected;
  if (namespaces === undefined) {
    // Existing namespaces unknown (a file without Namespace objects, no cluster): judge the named ones.
    namespaces = selection.named;
    if (model.selectors.some((s) => !s.field.startsWith('spec.namespaces['))) {
      collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec.namespaceSelectors', message: 'The existing namespaces are not known here, so the namespace selectors could not be evaluated; only spec.namespaces were checked.' });
    }
  }
  if (namespaces.length === 0) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec', message: `ClusterExternalSecret "${model.name}" selects no existing namespace: ESO creates no ExternalSecret, so nothing was checked.` });
    return;
  }
  const checked = namespaces.slice(0, MAX_CHECKED_NAMESPACES);
  const grouped = new Map<string, { finding: Finding; namespaces: string[] }>();
  for (const ns of checked) {
    const result = await checkExternalSecret(externalSecretFor(model, ns));
    for (const c of result.couldNotCheck) if (!collector.couldNotCheck.some((x) => x.reason === c.reason)) collector.couldNotCheck.push(c);
    for (const f of result.findings) {
      const key = `${f.code}\u0000${f.field}\u0000${f.severity}`;
      const g = grouped.get(key);
      if (g) g.namespaces.push(ns);
      else grouped.set(key, { finding: f, namespaces: [ns] });
    }
  }
  for (const { finding, namespaces: where } of grouped.values()) {
    collector.add({
      ...finding,
      field: specField(finding.field),
      message: `In ${nsList(where, where.length)} (ExternalSecret "${model.esName}"): ${finding.message}`,
    });
  }
  if (namespaces.length > checked.length) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec', message: `Checked in ${checked.length} of the ${namespaces.length} selected namespaces (the first ${checked.length} by name).` });
  }
}
