// ClusterExternalSecret and ClusterPushSecret: the object ESO creates from the spec is checked once
// per selected namespace that exists, with that namespace's stores, conditions and identity;
// findings say in which namespaces they hold (a bounded list and a count). Selectors go through
// LabelSelectorAsSelector first: ESO creates nothing when one does not convert.
import { selectNamespaces } from '../eso/cluster-external-secret.js';
import type { LabelSelectorModel } from '../eso/label-selector.js';
import type { StoreLookup } from '../eso/index.js';
import type { Collector } from './collector.js';
import type { Finding } from './finding.js';
import type { CheckResult } from './result.js';

/** Namespaces checked per cluster-scoped object; the rest are counted. */
export const MAX_CHECKED_NAMESPACES = 20;
const LISTED = 5;

export interface PerNamespaceSpec {
  /** ClusterExternalSecret | ClusterPushSecret */
  ownerKind: string;
  ownerName: string;
  /** ExternalSecret | PushSecret, and the name ESO gives it. */
  childKind: string;
  childName: string;
  /** Where the child's spec sits in the owner: spec.externalSecretSpec | spec.pushSecretSpec. */
  specField: string;
  selectors: { field: string; selector: LabelSelectorModel }[];
  /** What ESO reports when a selector does not convert, given the Go error. */
  invalidSelectorMessage: (error: string) => string;
  /**
   * Asked per namespace before the child is checked: a finding about the owner (its field kept as
   * is) when ESO will not create or update the child there; the child is then not checked there.
   */
  precheck?: (namespace: string) => Promise<Finding | undefined>;
}

function childField(specField: string, field: string): string {
  if (field === 'spec') return specField;
  return field.startsWith('spec.') ? `${specField}.${field.slice('spec.'.length)}` : field;
}

function nsList(names: string[], total: number): string {
  const shown = names.slice(0, LISTED).map((n) => `"${n}"`).join(', ');
  const more = total - Math.min(names.length, LISTED);
  return `${names.length === 1 && total === 1 ? 'namespace' : 'namespaces'} ${shown}${more > 0 ? ` (+${more} more)` : ''}`;
}

export async function checkPerNamespace(
  spec: PerNamespaceSpec,
  lookup: StoreLookup,
  collector: Collector,
  checkChild: (namespace: string) => Promise<CheckResult>,
): Promise<void> {
  const selection = selectNamespaces(spec, lookup.listNamespaces?.(), (ns) => lookup.namespaceLabels(ns));
  if (selection.invalid) {
    collector.add({
      code: 'InvalidSelector',
      severity: 'error',
      field: selection.invalid.field,
      message: spec.invalidSelectorMessage(selection.invalid.error),
      hint: "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn (with values), Exists, DoesNotExist (without).",
    });
    return;
  }
  let namespaces = selection.selected;
  if (namespaces === undefined) {
    // Existing namespaces unknown (a file without Namespace objects, no cluster): judge the named ones.
    namespaces = selection.named;
    const bySelector = spec.selectors.filter((s) => !s.field.startsWith('spec.namespaces['));
    if (bySelector.length > 0) {
      collector.add({
        code: 'NotVerifiable',
        severity: 'info',
        field: 'spec.namespaceSelectors',
        message: `The existing namespaces are not known here, so the namespace selectors could not be evaluated${selection.named.length > 0 ? '; only spec.namespaces were checked' : ` and the ${spec.childKind} was checked in no namespace`}.`,
      });
      if (selection.named.length === 0) return;
    }
  }
  if (namespaces.length === 0) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec', message: `${spec.ownerKind} "${spec.ownerName}" selects no existing namespace: ESO creates no ${spec.childKind}, so nothing was checked.` });
    return;
  }
  const checked = namespaces.slice(0, MAX_CHECKED_NAMESPACES);
  const grouped = new Map<string, { finding: Finding; namespaces: string[]; ownerLevel?: boolean }>();
  // One lookup per namespace, all at once (each is one GET in the webhook).
  const prechecks = spec.precheck ? await Promise.all(checked.map((ns) => spec.precheck!(ns))) : [];
  for (const [i, ns] of checked.entries()) {
    const refused = prechecks[i];
    if (refused) {
      const key = `owner\u0000${refused.code}\u0000${refused.field}\u0000${refused.severity}\u0000${refused.message}`;
      const g = grouped.get(key);
      if (g) g.namespaces.push(ns);
      else grouped.set(key, { finding: refused, namespaces: [ns], ownerLevel: true });
      continue;
    }
    const result = await checkChild(ns);
    for (const c of result.couldNotCheck) if (!collector.couldNotCheck.some((x) => x.reason === c.reason)) collector.couldNotCheck.push(c);
    for (const f of result.findings) {
      // Findings that differ only in the namespace's name are one finding; distinct ones at the same field stay apart.
      const key = `${f.code}\u0000${f.field}\u0000${f.severity}\u0000${f.message.split(`"${ns}"`).join('"\u0001"')}`;
      const g = grouped.get(key);
      if (g) g.namespaces.push(ns);
      else grouped.set(key, { finding: f, namespaces: [ns] });
    }
  }
  for (const { finding, namespaces: where, ownerLevel } of grouped.values()) {
    collector.add({
      ...finding,
      field: ownerLevel ? finding.field : childField(spec.specField, finding.field),
      message: `In ${nsList(where, where.length)} (${spec.childKind} "${spec.childName}"): ${finding.message}`,
    });
  }
  if (namespaces.length > checked.length) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec', message: `Checked in ${checked.length} of the ${namespaces.length} selected namespaces (the first ${checked.length} by name).` });
  }
}
