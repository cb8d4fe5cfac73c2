// metav1.LabelSelectorAsSelector and labels.NewRequirement (k8s.io/apimachinery v0.36.3, the version
// ESO v2.9.0 builds with): the validation ESO's ClusterSecretStore conditions and
// ClusterExternalSecret namespace selectors go through, with the Go error text, and Matches.

export interface LabelSelectorModel {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const labelKeyRe = new RegExp(`^${LABEL_KEY_FMT}$`);
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const maxLen = (n: number): string => `must be no more than ${n} bytes`;

function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

/** content.IsLabelKey. */
export function labelKeyErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0] as string;
  else if (parts.length === 2) {
    const prefix = parts[0] as string;
    name = parts[1] as string;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      const p: string[] = [];
      if (bytes(prefix) > 253) p.push(maxLen(253));
      if (!subdomainRe.test(prefix)) p.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
      errs.push(...p.map((m) => `prefix part ${m}`));
    }
  } else {
    return [`a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push(`name part ${maxLen(63)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** content.IsLabelValue. */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (bytes(value) > 63) errs.push(maxLen(63));
  if (!labelValueRe.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Go's %q for the strings a manifest holds (JSON quoting agrees for printable text). */
const q = (s: string): string => JSON.stringify(s);
/** json.Marshal of a []string (nil when empty: `append([]string(nil), values...)`). */
const jsonValues = (values: string[]): string => (values.length === 0 ? 'null' : JSON.stringify(values));

function newRequirement(key: string, op: 'Equals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', values: string[]): string[] {
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(`key: Invalid value: ${q(key)}: ${keyErrs.join('; ')}`);
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    errs.push(`values: Invalid value: ${jsonValues(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if (op === 'Equals' && values.length !== 1) errs.push(`values: Invalid value: ${jsonValues(values)}: exact-match compatibility requires one single value`);
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length !== 0) {
    errs.push(`values: Invalid value: ${jsonValues(values)}: values set must be empty for exists and does not exist`);
  }
  values.forEach((v, i) => {
    const e = labelValueErrors(v);
    if (e.length > 0) errs.push(`values[${i}][${key}]: Invalid value: ${q(v)}: ${e.join('; ')}`);
  });
  return errs;
}

/** utilerrors.NewAggregate(...).Error(): one error as is, several deduplicated in brackets. */
function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? (unique[0] as string) : `[${unique.join(', ')}]`;
}

/**
 * The error metav1.LabelSelectorAsSelector returns, or undefined when the selector converts.
 * matchLabels are a Go map (random order); keys are taken sorted here, so with several invalid
 * labels the one quoted may differ from ESO's.
 */
export function labelSelectorError(selector: LabelSelectorModel): string | undefined {
  const labels = Object.keys(selector.matchLabels ?? {}).sort();
  for (const k of labels) {
    const errs = newRequirement(k, 'Equals', [(selector.matchLabels as Record<string, string>)[k] as string]);
    if (errs.length > 0) return aggregate(errs);
  }
  for (const expr of selector.matchExpressions ?? []) {
    const op = expr.operator;
    if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') return `${q(op)} is not a valid label selector operator`;
    const errs = newRequirement(expr.key, op, [...(expr.values ?? [])]);
    if (errs.length > 0) return aggregate(errs);
  }
  return undefined;
}

/** Selector.Matches on a converted selector; `{}` matches everything. */
export function labelSelectorMatchesValid(selector: LabelSelectorModel, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const inValues = has && (expr.values ?? []).includes(labels[expr.key] as string);
    if (expr.operator === 'In' && !inValues) return false;
    if (expr.operator === 'NotIn' && inValues) return false;
    if (expr.operator === 'Exists' && !has) return false;
    if (expr.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A metav1.LabelSelector from a manifest (values as strings; conversion errors come from labelSelectorError). */
export function labelSelectorFrom(v: Record<string, unknown>): LabelSelectorModel {
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  const matchLabels = isObj(v['matchLabels'])
    ? Object.fromEntries(Object.entries(v['matchLabels']).map(([k, x]) => [k, String(x)]))
    : undefined;
  const exprs = Array.isArray(v['matchExpressions'])
    ? (v['matchExpressions'] as unknown[]).filter(isObj).map((e) => ({
      key: String(e['key'] ?? ''),
      operator: String(e['operator'] ?? ''),
      ...(Array.isArray(e['values']) ? { values: (e['values'] as unknown[]).map(String) } : {}),
    }))
    : undefined;
  return { ...(matchLabels ? { matchLabels } : {}), ...(exprs ? { matchExpressions: exprs } : {}) };
}
