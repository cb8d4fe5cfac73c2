// ClusterSecretStore `spec.conditions`, evaluated as ESO's secretstore client manager does
// (pkg/controllers/secretstore/client_manager.go): ignored for SecretStore; no conditions = every
// namespace; otherwise allowed when ANY condition has ANY matching criterion. `namespaces[n]` is the
// label selector `kubernetes.io/metadata.name=<n>`; `namespaceRegexes` are Go RE2, unanchored
// (re2js gives the same syntax and semantics; JS RegExp would not).
import { RE2JS } from 're2js';
import type { ClusterStoreConditionModel, StoreModel } from './model.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamespaceAdmission {
  allowed: boolean;
  reason: string;
  /** True when the outcome depends on namespace labels that are unknown (it is then `allowed`). */
  undetermined?: boolean;
}

type SelectorResult = { ok: true; matches: boolean } | { ok: false; error: string };

/** metav1.LabelSelectorAsSelector + Matches; `{}` matches everything. */
export function labelSelectorMatches(
  selector: NonNullable<ClusterStoreConditionModel['namespaceSelector']>,
  labels: Record<string, string>,
): SelectorResult {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return { ok: true, matches: false };
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return { ok: false, error: `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty` };
        if (expr.operator === 'In' ? !(has && values.includes(labels[expr.key] as string)) : has && values.includes(labels[expr.key] as string)) {
          return { ok: true, matches: false };
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return { ok: false, error: `values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist` };
        if (expr.operator === 'Exists' ? !has : has) return { ok: true, matches: false };
        break;
      default:
        return { ok: false, error: `"${expr.operator}" is not a valid label selector operator` };
    }
  }
  return { ok: true, matches: true };
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
  for (const c of store.conditions) {
    if (c.namespaceSelector) {
      const r = labelSelectorMatches(c.namespaceSelector, nsLabels);
      if (!r.ok) {
        return {
          allowed: false,
          reason: `${c.field}.namespaceSelector is invalid; ESO fails with "failed to convert label selector into selector …: ${r.error}"`,
        };
      }
      if (r.matches) return { allowed: true, reason: `${c.field}.namespaceSelector matches namespace "${namespace}"` };
      if (!known) needsLabels = true;
    }
    for (const n of c.namespaces ?? []) {
      if (n === namespace) return { allowed: true, reason: `${c.field}.namespaces lists "${namespace}"` };
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
