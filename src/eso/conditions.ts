// ClusterSecretStore `spec.conditions`, evaluated as ESO's secretstore client manager does
// (pkg/controllers/secretstore/client_manager.go): ignored for SecretStore; no conditions = every
// namespace; otherwise allowed when ANY condition has ANY matching criterion. `namespaces[n]` is the
// label selector `kubernetes.io/metadata.name=<n>`; `namespaceRegexes` are Go RE2, unanchored
// (re2js gives the same syntax and semantics; JS RegExp would not).
import { RE2JS } from 're2js';
import { labelSelectorError, labelSelectorMatchesValid, type LabelSelectorModel } from './label-selector.js';
import type { ClusterStoreConditionModel, StoreModel } from './model.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamespaceAdmission {
  allowed: boolean;
  reason: string;
  /** ESO's own error when the conditions cannot be evaluated (a selector that does not convert). */
  error?: string;
  /** True when the outcome depends on namespace labels that are unknown (it is then `allowed`). */
  undetermined?: boolean;
}

type SelectorResult = { ok: true; matches: boolean } | { ok: false; error: string };

/** metav1.LabelSelectorAsSelector + Matches; `{}` matches everything. */
export function labelSelectorMatches(selector: LabelSelectorModel, labels: Record<string, string>): SelectorResult {
  const error = labelSelectorError(selector);
  if (error !== undefined) return { ok: false, error };
  return { ok: true, matches: labelSelectorMatchesValid(selector, labels) };
}

/** Go regexp.MatchString (unanchored). Undefined when the pattern does not compile. */
export function goRegexMatches(pattern: string, text: string): boolean | undefined {
  try {
    return RE2JS.compile(pattern).matcher(text).find();
  } catch {
    return undefined;
  }
}

export function goRegexCompileError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function describeConditions(conditions: readonly ClusterStoreConditionModel[]): string {
  return conditions
    .map((c) => {
      const parts: string[] = [];
      if (c.namespaces?.length) parts.push(`namespaces ${JSON.stringify(c.namespaces)}`);
      if (c.namespaceSelector) parts.push(`namespaceSelector ${JSON.stringify(c.namespaceSelector)}`);
      if (c.namespaceRegexes?.length) parts.push(`namespaceRegexes ${JSON.stringify(c.namespaceRegexes)}`);
      return `${c.field}: ${parts.length ? parts.join(' or ') : '(empty: matches nothing)'}`;
    })
    .join('; ');
}

/**
 * Whether ESO lets an ExternalSecret in `namespace` use `store`. `labels` undefined = the Namespace
 * object is unknown here: name-based criteria still decide; a selector that would need the labels
 * gives `allowed` with `undetermined` (never a false denial).
 */
export function storeAdmitsNamespace(store: StoreModel, namespace: string, labels: Record<string, string> | undefined): NamespaceAdmission {
  if (store.kind !== 'ClusterSecretStore') return { allowed: true, reason: 'conditions apply to ClusterSecretStore only' };
  if (store.conditions.length === 0) return { allowed: true, reason: 'no spec.conditions: every namespace is allowed' };
  // The API server always sets the name label; add it for manifests read from files.
  const known = labels !== undefined;
  const nsLabels: Record<string, string> = { ...(labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
  let needsLabels = false;
  // ESO's order (client_manager.go shouldProcessSecret): per condition, namespaceSelector then one
  // selector `kubernetes.io/metadata.name=<n>` per namespaces[n], each converted by
  // LabelSelectorAsSelector (an error fails the whole check), then namespaceRegexes.
  const failed = (field: string, error: string): NamespaceAdmission => {
    const eso = `failed to convert label selector into selector …: ${error}`;
    // A selector before it that might match (unknown labels) would have ended the walk first.
    if (needsLabels) return { allowed: true, undetermined: true, reason: `the labels of namespace "${namespace}" are unknown; ${field} does not convert ("${eso}")` };
    return { allowed: false, reason: `${field} is not a valid label selector ("${eso}")`, error: eso };
  };
  for (const c of store.conditions) {
    if (c.namespaceSelector) {
      const r = labelSelectorMatches(c.namespaceSelector, nsLabels);
      if (!r.ok) return failed(`${c.field}.namespaceSelector`, r.error);
      if (r.matches && (known || selectorOnlyNameLabel(c.namespaceSelector))) return { allowed: true, reason: `${c.field}.namespaceSelector matches namespace "${namespace}"` };
      if (!known) needsLabels = true;
    }
    for (const [i, n] of (c.namespaces ?? []).entries()) {
      const r = labelSelectorMatches({ matchLabels: { [NAMESPACE_NAME_LABEL]: n } }, nsLabels);
      if (!r.ok) return failed(`${c.field}.namespaces[${i}]`, r.error);
      if (r.matches) return { allowed: true, reason: `${c.field}.namespaces lists "${namespace}"` };
    }
    for (const [i, re] of (c.namespaceRegexes ?? []).entries()) {
      const m = goRegexMatches(re, namespace);
      if (m === undefined) {
        return { allowed: false, reason: `${c.field}.namespaceRegexes[${i}] "${re}" does not compile; ESO fails with "failed to compile regex ${re}: …"` };
      }
      if (m) return { allowed: true, reason: `${c.field}.namespaceRegexes[${i}] "${re}" matches "${namespace}" (unanchored)` };
    }
  }
  if (needsLabels) {
    return { allowed: true, undetermined: true, reason: `the labels of namespace "${namespace}" are unknown, so the namespaceSelector conditions cannot be evaluated` };
  }
  return {
    allowed: false,
    reason: `no condition matches namespace "${namespace}" (${describeConditions(store.conditions)})`,
  };
}

/** True when a selector only looks at the namespace-name label (always known). */
function selectorOnlyNameLabel(selector: LabelSelectorModel): boolean {
  return Object.keys(selector.matchLabels ?? {}).every((k) => k === NAMESPACE_NAME_LABEL) &&
    (selector.matchExpressions ?? []).every((e) => e.key === NAMESPACE_NAME_LABEL);
}
