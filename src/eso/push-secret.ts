// PushSecret (external-secrets.io/v1alpha1) as ESO v2.9.0 pushes it: which stores it pushes to
// (pkg/controllers/pushsecret GetSecretStores, removeUnmanagedStores), which entries reach each store
// (spec.data, and spec.dataTo expanded per store: filterDataToForStore, expandSingleDataTo,
// mergeDataEntries), and the data and metadata paths of a remoteKey
// (providers/v1/vault/client_push.go: buildPath / buildMetadataPath, as for reads).
import { goRegexCompileError } from './conditions.js';
import { labelSelectorError, labelSelectorFrom, labelSelectorMatchesValid, type LabelSelectorModel } from './label-selector.js';
import { buildDataPath, buildMetadataPath, MetadataPathError, toHttpPath } from './paths.js';
import type { StoreKind, StoreModel, StoreRefModel, VaultProviderModel } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A secretStoreRefs[] entry or a dataTo[].storeRef: by name, or by labelSelector (name wins in dataTo). */
export interface PushStoreRef {
  field: string;
  kind: StoreKind;
  kindDefaulted: boolean;
  name: string;
  selector?: LabelSelectorModel;
}

/** An entry ESO pushes to a known remote key: spec.data[], or a dataTo in bundle mode (remoteKey set). */
export interface PushEntry {
  /** Where findings about this entry's remote key go. */
  field: string;
  /** Source key; '' pushes the whole Secret (bundle mode, or data[] without secretKey). */
  secretKey: string;
  remoteKey: string;
  property?: string;
}

export interface PushDataTo {
  field: string;
  storeRef?: PushStoreRef;
  /** Bundle mode: every matched key in one provider secret at this key. */
  remoteKey?: string;
  matchRegexp?: string;
  hasRewrite: boolean;
}

export interface PushSecretModel {
  name: string;
  namespace: string;
  storeRefs: PushStoreRef[];
  data: PushEntry[];
  dataTo: PushDataTo[];
  deletionPolicy: string;
  updatePolicy: string;
}

/** ESO's failure for a manifest-level mistake, with the field it is about. */
export interface PushProblem {
  /** MalformedReference when absent. */
  code?: 'InvalidSelector';
  field: string;
  /** ESO's own error text. */
  eso: string;
  message: string;
  hint: string;
}

function parseStoreRef(r: Obj, field: string): PushStoreRef {
  return {
    field,
    // The CRD defaults kind to SecretStore; ESO lists ClusterSecretStores only for that exact kind.
    kind: r['kind'] === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore',
    kindDefaulted: r['kind'] === undefined,
    name: str(r['name']),
    ...(isObj(r['labelSelector']) ? { selector: labelSelectorFrom(r['labelSelector']) } : {}),
  };
}

/** The PushSecret spec of `spec` (a PushSecret's spec, or a ClusterPushSecret's pushSecretSpec). */
export function parsePushSecretSpec(spec: Obj, name: string, namespace: string): PushSecretModel {
  const storeRefs: PushStoreRef[] = [];
  (Array.isArray(spec['secretStoreRefs']) ? (spec['secretStoreRefs'] as unknown[]) : []).forEach((r, i) => {
    if (isObj(r)) storeRefs.push(parseStoreRef(r, `spec.secretStoreRefs[${i}]`));
  });
  const data: PushEntry[] = [];
  (Array.isArray(spec['data']) ? (spec['data'] as unknown[]) : []).forEach((d, i) => {
    const match = isObj(d) && isObj(d['match']) ? d['match'] : {};
    const remoteRef = isObj(match['remoteRef']) ? match['remoteRef'] : {};
    const property = str(remoteRef['property']);
    data.push({ field: `spec.data[${i}].match.remoteRef.remoteKey`, secretKey: str(match['secretKey']), remoteKey: str(remoteRef['remoteKey']), ...(property ? { property } : {}) });
  });
  const dataTo: PushDataTo[] = [];
  (Array.isArray(spec['dataTo']) ? (spec['dataTo'] as unknown[]) : []).forEach((d, i) => {
    const o = isObj(d) ? d : {};
    const field = `spec.dataTo[${i}]`;
    const match = isObj(o['match']) ? o['match'] : {};
    dataTo.push({
      field,
      ...(isObj(o['storeRef']) ? { storeRef: parseStoreRef(o['storeRef'], `${field}.storeRef`) } : {}),
      ...(str(o['remoteKey']) ? { remoteKey: str(o['remoteKey']) } : {}),
      ...(str(match['regexp']) ? { matchRegexp: str(match['regexp']) } : {}),
      hasRewrite: Array.isArray(o['rewrite']) && o['rewrite'].length > 0,
    });
  });
  return {
    name,
    namespace,
    storeRefs,
    data,
    dataTo,
    deletionPolicy: str(spec['deletionPolicy']) || 'None',
    updatePolicy: str(spec['updatePolicy']) || 'Replace',
  };
}

export function parsePushSecret(obj: Obj): PushSecretModel {
  const meta = isObj(obj['metadata']) ? obj['metadata'] : {};
  const spec = isObj(obj['spec']) ? obj['spec'] : {};
  return parsePushSecretSpec(spec, str(meta['name']), str(meta['namespace']) || 'default');
}

/**
 * Failures ESO reports before it resolves a store (validateDataToStoreRefs), and those of dataTo
 * fields it compiles when it expands them (expandSingleDataTo: match regexp; remoteKey with rewrite).
 */
export function dataToProblems(ps: PushSecretModel): PushProblem[] {
  const out: PushProblem[] = [];
  ps.dataTo.forEach((d, i) => {
    const ref = d.storeRef;
    if (!ref) {
      out.push({ field: `${d.field}.storeRef`, eso: `dataTo[${i}]: storeRef is required`, message: 'dataTo needs a storeRef.', hint: `Set ${d.field}.storeRef.name to one of spec.secretStoreRefs, or a labelSelector.` });
    } else if (ref.name === '' && !ref.selector) {
      out.push({ field: ref.field, eso: `dataTo[${i}]: storeRef must have name or labelSelector`, message: 'storeRef names no store and selects none.', hint: `Set ${ref.field}.name to one of spec.secretStoreRefs, or a labelSelector.` });
    } else if (ref.name !== '' && !ps.storeRefs.some((s) => s.name === ref.name && s.kind === ref.kind)) {
      const named = ps.storeRefs.filter((s) => s.name !== '').map((s) => `${s.kind} "${s.name}"`);
      out.push({
        field: `${ref.field}.name`,
        eso: `dataTo[${i}]: storeRef "${ref.name}" not found in secretStoreRefs`,
        message: `${ref.kind} "${ref.name}" is not among the stores spec.secretStoreRefs names${named.length ? ` (${named.join(', ')})` : ' (none is named there)'}.`,
        hint: `Add it to spec.secretStoreRefs${ref.kindDefaulted && ps.storeRefs.some((s) => s.name === ref.name) ? `, or set ${ref.field}.kind (omitted means SecretStore)` : ', or fix the name'}.`,
      });
    } else if (ref.name === '' && ref.selector) {
      const err = labelSelectorError(ref.selector);
      if (err !== undefined) out.push({ code: 'InvalidSelector', field: `${ref.field}.labelSelector`, eso: `dataTo[${i}]: invalid labelSelector: ${err}`, message: 'ESO cannot convert this selector.', hint: "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn (with values), Exists, DoesNotExist (without)." });
    }
    if (d.remoteKey !== undefined && d.hasRewrite) {
      out.push({ field: `${d.field}.rewrite`, eso: 'remoteKey and rewrite are mutually exclusive: rewrite is only supported in per-key mode (without remoteKey)', message: 'remoteKey bundles every matched key into one secret, so there is nothing to rewrite.', hint: `Remove ${d.field}.rewrite, or ${d.field}.remoteKey to push each key on its own.` });
    }
    if (d.matchRegexp !== undefined) {
      const err = goRegexCompileError(d.matchRegexp);
      if (err !== undefined) out.push({ field: `${d.field}.match.regexp`, eso: `failed to expand dataTo: dataTo[${i}]: match failed: failed to compile regexp pattern "${d.matchRegexp}": ${err}`, message: 'The pattern is not a Go (RE2) regular expression.', hint: 'Fix the regular expression (Go RE2 syntax).' });
    }
  });
  return out;
}

/** metadata.labels of a store (ESO selects stores and dataTo targets by them). */
export function storeLabels(store: StoreModel): Record<string, string> {
  const meta = isObj(store.raw['metadata']) ? store.raw['metadata'] : {};
  const labels = isObj(meta['labels']) ? meta['labels'] : {};
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** dataToMatchesStore: by name and kind, else by labelSelector and kind. */
export function dataToTargets(d: PushDataTo, store: StoreModel): boolean {
  const ref = d.storeRef;
  if (!ref) return false;
  if (ref.name !== '') return ref.name === store.name && ref.kind === store.kind;
  if (!ref.selector || labelSelectorError(ref.selector) !== undefined) return false;
  return ref.kind === store.kind && labelSelectorMatchesValid(ref.selector, storeLabels(store));
}

/**
 * The entries ESO pushes to `store` whose remote keys the manifest states (spec.data, dataTo in
 * bundle mode), after mergeDataEntries (an explicit whole-Secret entry replaces bundles), with
 * ESO's duplicate-destination errors; and the dataTo entries in per-key mode, whose remote keys
 * are the source Secret's keys.
 */
export function entriesForStore(ps: PushSecretModel, store: StoreModel): { entries: PushEntry[]; perKey: PushDataTo[]; problems: PushProblem[] } {
  const problems: PushProblem[] = [];
  const targeting = ps.dataTo.filter((d) => dataToTargets(d, store));
  const bundles: PushEntry[] = [];
  const seenBundle = new Map<string, number>();
  for (const d of targeting) {
    if (d.remoteKey === undefined) continue;
    const i = Number(/\[(\d+)\]$/.exec(d.field)?.[1] ?? 0);
    const prior = seenBundle.get(d.remoteKey);
    if (prior !== undefined) {
      problems.push({ field: `${d.field}.remoteKey`, eso: `failed to expand dataTo: dataTo[${i}]: duplicate remote key "${d.remoteKey}" from source key "(bundle)" (conflicts with dataTo[${prior}]:(bundle))`, message: `spec.dataTo[${prior}] bundles into the same remote key.`, hint: 'Give each bundle its own remoteKey.' });
      continue;
    }
    seenBundle.set(d.remoteKey, i);
    bundles.push({ field: `${d.field}.remoteKey`, secretKey: '', remoteKey: d.remoteKey });
  }
  // resolveSourceKeyConflicts: explicit entries win over dataTo entries of the same source key.
  const wholeSecretExplicit = ps.data.some((e) => e.secretKey === '');
  const entries = [...(wholeSecretExplicit ? [] : bundles), ...ps.data];
  // validateRemoteKeyUniqueness over the merged list.
  const seen = new Map<string, PushEntry>();
  for (const e of entries) {
    const loc = `${e.remoteKey}\u0000${e.property ?? ''}`;
    const first = seen.get(loc);
    if (!first) {
      seen.set(loc, e);
      continue;
    }
    const eso = e.property !== undefined
      ? `failed to merge data entries: duplicate remote key "${e.remoteKey}" with property "${e.property}": source keys "${first.secretKey}" and "${e.secretKey}" both map to the same destination`
      : `failed to merge data entries: duplicate remote key "${e.remoteKey}": source keys "${first.secretKey}" and "${e.secretKey}" both map to the same destination`;
    const where = e.property !== undefined ? `remote key "${e.remoteKey}", property "${e.property}"` : `remote key "${e.remoteKey}"`;
    problems.push({ field: e.field, eso, message: `${first.field.replace(/\.match\.remoteRef\.remoteKey$|\.remoteKey$/, '')} already pushes to ${where}.`, hint: 'Push each source key to its own remoteKey (or property).' });
  }
  return { entries: entries.filter((e, i) => entries.findIndex((x) => x.remoteKey === e.remoteKey && x.property === e.property) === i), perKey: targeting.filter((d) => d.remoteKey === undefined), problems };
}

/** ACL paths (no `/v1/`) of a push: the data path, and for KV v2 the metadata path; or ESO's path error. */
export function pushPaths(vault: VaultProviderModel, remoteKey: string): { data: string; metadata?: string } | { error: string } {
  const acl = (logical: string): string => toHttpPath(logical).replace(/^\/v1\//, '');
  const data = acl(buildDataPath(vault.path, vault.version, remoteKey));
  if (vault.version === 'v1') return { data };
  try {
    return { data, metadata: acl(buildMetadataPath(vault.path, vault.version, remoteKey)) };
  } catch (err) {
    if (err instanceof MetadataPathError) return { error: err.message };
    throw err;
  }
}

/**
 * The ACL path prefixes every per-key dataTo push lands under (`kv/data/`, `kv/metadata/`): the
 * remote key is a source Secret key (rewritten or not) below the store's path. Undefined when the
 * store has no path (the key's first segment would pick the mount).
 */
export function perKeyPrefixes(vault: VaultProviderModel): { data: string; metadata?: string } | undefined {
  if (vault.path === null) return undefined;
  const base = vault.path.replace(/\/+$/, '');
  return vault.version === 'v2' ? { data: `${base}/data/`, metadata: `${base}/metadata/` } : { data: `${base}/` };
}

/** A store reference as the shared store resolution takes it. */
export function asStoreRef(ref: PushStoreRef, name = ref.name): StoreRefModel {
  return { kind: ref.kind, name, field: ref.field, kindDefaulted: ref.kindDefaulted };
}
