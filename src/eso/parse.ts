// parseEsoObject: one model for external-secrets.io/v1 and v1beta1 ExternalSecret, SecretStore and
// ClusterSecretStore (CRD defaults applied as the API server would), plus Namespace labels.
// Unknown fields are ignored; wrong types become MalformedReference problems, never exceptions.
import { goRegexCompileError } from './conditions.js';
import { FieldReader, isObject, type Json } from './field-reader.js';
import type {
  ClusterStoreConditionModel, DataEntryModel, DataFromEntryModel, EsoApiVersion, EsoProblem, ExternalSecretModel,
  FindModel, ProviderModel, RemoteRefModel, RewriteModel, StoreKind, StoreModel, StoreRefModel,
} from './model.js';
import { parseVaultProvider } from './parse-vault.js';

export type ParsedEsoObject =
  | { kind: 'ExternalSecret'; model: ExternalSecretModel; problems: EsoProblem[] }
  | { kind: 'SecretStore' | 'ClusterSecretStore'; model: StoreModel; problems: EsoProblem[] }
  | { kind: 'Namespace'; name: string; labels: Record<string, string> }
  | { kind: 'Other'; apiVersion?: string; kindName?: string };

export interface ParseOptions {
  /** Namespace of a namespaced object whose manifest has none (kubectl's default: "default"). */
  defaultNamespace?: string;
}

const ESO_API_VERSIONS: readonly string[] = ['external-secrets.io/v1', 'external-secrets.io/v1beta1'];

export function parseEsoObject(obj: unknown, options: ParseOptions = {}): ParsedEsoObject {
  if (!isObject(obj)) return { kind: 'Other' };
  const apiVersion = typeof obj['apiVersion'] === 'string' ? obj['apiVersion'] : undefined;
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : undefined;
  if (kind === 'Namespace' && (apiVersion === 'v1' || apiVersion === undefined)) {
    const meta = isObject(obj['metadata']) ? obj['metadata'] : {};
    const labels: Record<string, string> = {};
    if (isObject(meta['labels'])) for (const [k, v] of Object.entries(meta['labels'])) if (typeof v === 'string') labels[k] = v;
    return { kind: 'Namespace', name: typeof meta['name'] === 'string' ? meta['name'] : '', labels };
  }
  if (!apiVersion || !ESO_API_VERSIONS.includes(apiVersion) || !kind) return { kind: 'Other', ...(apiVersion ? { apiVersion } : {}), ...(kind ? { kindName: kind } : {}) };
  const v = apiVersion as EsoApiVersion;
  if (kind === 'ExternalSecret') {
    const r = new FieldReader();
    const model = parseExternalSecret(r, obj, v, options);
    return { kind, model, problems: r.problems };
  }
  if (kind === 'SecretStore' || kind === 'ClusterSecretStore') {
    const r = new FieldReader();
    const model = parseStore(r, obj, v, kind, options);
    return { kind, model, problems: r.problems };
  }
  return { kind: 'Other', apiVersion, kindName: kind };
}

function metadataOf(r: FieldReader, obj: Json): { name: string; namespace?: string } {
  const meta = r.obj(obj['metadata'], 'metadata') ?? {};
  const name = r.str(meta['name'], 'metadata.name') ?? (typeof meta['generateName'] === 'string' ? meta['generateName'] : '');
  const namespace = r.str(meta['namespace'], 'metadata.namespace');
  return { name, ...(namespace ? { namespace } : {}) };
}

// ---------- stores ----------

function parseConditions(r: FieldReader, v: unknown): ClusterStoreConditionModel[] {
  const list = r.arr(v, 'spec.conditions') ?? [];
  const out: ClusterStoreConditionModel[] = [];
  list.forEach((item, ci) => {
    const field = `spec.conditions[${ci}]`;
    const c = r.obj(item, field);
    if (!c) return;
    const cond: ClusterStoreConditionModel = { field };
    const namespaces = r.strArray(c['namespaces'], `${field}.namespaces`);
    if (namespaces) cond.namespaces = namespaces;
    const regexes = r.strArray(c['namespaceRegexes'], `${field}.namespaceRegexes`);
    if (regexes) {
      cond.namespaceRegexes = regexes;
      regexes.forEach((re, ri) => {
        const err = goRegexCompileError(re);
        // ESO's store webhook text (0-based indices).
        if (err) r.problem(`${field}.namespaceRegexes[${ri}]`, `failed to compile ${ri}th namespace regex in ${ci}th condition: ${err}`, 'Fix the regular expression (Go RE2 syntax).');
      });
    }
    const sel = r.obj(c['namespaceSelector'], `${field}.namespaceSelector`);
    if (sel) {
      const sf = `${field}.namespaceSelector`;
      const matchLabels = r.strMap(sel['matchLabels'], `${sf}.matchLabels`);
      const exprs = r.arr(sel['matchExpressions'], `${sf}.matchExpressions`);
      const matchExpressions: { key: string; operator: string; values?: string[] }[] = [];
      exprs?.forEach((e, i) => {
        const eo = r.obj(e, `${sf}.matchExpressions[${i}]`);
        if (!eo) return;
        const values = r.strArray(eo['values'], `${sf}.matchExpressions[${i}].values`);
        matchExpressions.push({
          key: r.str(eo['key'], `${sf}.matchExpressions[${i}].key`, { required: true }) ?? '',
          operator: r.str(eo['operator'], `${sf}.matchExpressions[${i}].operator`, { required: true }) ?? '',
          ...(values ? { values } : {}),
        });
      });
      cond.namespaceSelector = { ...(matchLabels ? { matchLabels } : {}), ...(exprs ? { matchExpressions } : {}) };
    }
    out.push(cond);
  });
  return out;
}

function parseStore(r: FieldReader, obj: Json, apiVersion: EsoApiVersion, kind: StoreKind, options: ParseOptions): StoreModel {
  const meta = metadataOf(r, obj);
  const spec = r.obj(obj['spec'], 'spec') ?? {};
  const statedNamespace = kind === 'SecretStore' ? meta.namespace : undefined;
  const namespace = kind === 'SecretStore' ? (meta.namespace ?? options.defaultNamespace ?? 'default') : undefined;
  let provider: ProviderModel;
  const p = r.obj(spec['provider'], 'spec.provider');
  if (!p) {
    r.problem('spec.provider', 'spec.provider is required but missing.', 'Set spec.provider.vault (server, path, version, auth).');
    provider = { type: 'other', name: '' };
  } else {
    const names = Object.keys(p).filter((k) => p[k] !== undefined && p[k] !== null);
    if (names.length !== 1) {
      r.problem('spec.provider', `store error for ${meta.name}: secret stores must only have exactly one backend specified, found ${names.length}`, 'Keep exactly one provider under spec.provider.');
    }
    const vault = names.includes('vault') ? r.obj(p['vault'], 'spec.provider.vault') : undefined;
    provider = vault
      ? { type: 'vault', vault: parseVaultProvider(r, vault, 'spec.provider.vault', { kind, ...(statedNamespace ? { namespace: statedNamespace } : {}) }) }
      : { type: 'other', name: names[0] ?? '' };
  }
  const controller = r.str(spec['controller'], 'spec.controller');
  return {
    kind,
    apiVersion,
    name: meta.name,
    ...(namespace !== undefined ? { namespace } : {}),
    provider,
    conditions: parseConditions(r, spec['conditions']),
    raw: obj,
    ...(controller ? { controller } : {}),
  };
}

// ---------- ExternalSecret ----------

function parseStoreRef(r: FieldReader, v: unknown, field: string): StoreRefModel | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const kindRaw = r.enumOf(o['kind'], `${field}.kind`, ['SecretStore', 'ClusterSecretStore'] as const);
  return {
    // ESO: anything but ClusterSecretStore (omitted included) means SecretStore.
    kind: kindRaw ?? 'SecretStore',
    name: r.str(o['name'], `${field}.name`) ?? '',
    field,
    kindDefaulted: o['kind'] === undefined || o['kind'] === null,
  };
}

const REQUIRED = { required: true };

/**
 * `r.str(o[name], `${field}.${name}`)`, with the field's name built only when the reader needs it for
 * a problem (a required value absent, a wrong type): every remoteRef of every admission reads six.
 */
function strAt(r: FieldReader, o: Json, field: string, name: string, required = false): string | undefined {
  const v = o[name];
  if (typeof v === 'string') return v;
  if ((v === undefined || v === null) && !required) return undefined;
  return r.str(v, `${field}.${name}`, required ? REQUIRED : {});
}

function parseRemoteRef(r: FieldReader, v: unknown, field: string, apiVersion: EsoApiVersion): RemoteRefModel | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const key = strAt(r, o, field, 'key', true) ?? '';
  const property = strAt(r, o, field, 'property');
  const version = strAt(r, o, field, 'version');
  // v1 (ESO 2.9) has no CRD defaults here; "" behaves as None / Default / None. v1beta1 still defaults them.
  const metadataPolicy = strAt(r, o, field, 'metadataPolicy');
  if (metadataPolicy !== undefined && metadataPolicy !== '' && metadataPolicy !== 'None' && metadataPolicy !== 'Fetch') {
    r.problem(`${field}.metadataPolicy`, `${field}.metadataPolicy must be None or Fetch, found "${metadataPolicy}".`, `Set ${field}.metadataPolicy to None or Fetch.`);
  }
  const decodingStrategy = strAt(r, o, field, 'decodingStrategy') ?? (apiVersion === 'external-secrets.io/v1beta1' ? 'None' : undefined);
  const conversionStrategy = strAt(r, o, field, 'conversionStrategy') ?? (apiVersion === 'external-secrets.io/v1beta1' ? 'Default' : undefined);
  // Built field by field in the order the model always had (key, property, version, metadataPolicy,
  // decodingStrategy, conversionStrategy, field): spreads of conditional literals cost one object each.
  const ref = { key } as RemoteRefModel;
  if (property !== undefined) ref.property = property;
  if (version !== undefined) ref.version = version;
  ref.metadataPolicy = metadataPolicy === 'Fetch' ? 'Fetch' : 'None';
  if (decodingStrategy !== undefined) ref.decodingStrategy = decodingStrategy;
  if (conversionStrategy !== undefined) ref.conversionStrategy = conversionStrategy;
  ref.field = field;
  return ref;
}

function parseSourceRef(r: FieldReader, v: unknown, field: string): { storeRef?: StoreRefModel; generatorRef?: Record<string, unknown> } {
  const o = r.obj(v, field);
  if (!o) return {};
  const storeRef = parseStoreRef(r, o['storeRef'], `${field}.storeRef`);
  const generatorRef = r.obj(o['generatorRef'], `${field}.generatorRef`);
  return { ...(storeRef ? { storeRef } : {}), ...(generatorRef ? { generatorRef } : {}) };
}

function parseRewrite(r: FieldReader, list: unknown[], field: string): RewriteModel[] {
  return list.map((item, i): RewriteModel => {
    const f = `${field}[${i}]`;
    const o = r.obj(item, f) ?? {};
    // esutils handleRewriteOperation: merge, then regexp, then transform; none passes keys through.
    const merge = r.obj(o['merge'], `${f}.merge`);
    if (merge) {
      return {
        kind: 'merge',
        into: r.str(merge['into'], `${f}.merge.into`) ?? '',
        priority: r.strArray(merge['priority'], `${f}.merge.priority`) ?? [],
        priorityPolicy: r.str(merge['priorityPolicy'], `${f}.merge.priorityPolicy`) ?? 'Strict',
        conflictPolicy: r.str(merge['conflictPolicy'], `${f}.merge.conflictPolicy`) ?? 'Error',
        strategy: r.str(merge['strategy'], `${f}.merge.strategy`) ?? 'Extract',
      };
    }
    const re = r.obj(o['regexp'], `${f}.regexp`);
    if (re) return { kind: 'regexp', source: r.str(re['source'], `${f}.regexp.source`) ?? '', target: r.str(re['target'], `${f}.regexp.target`) ?? '' };
    const transform = r.obj(o['transform'], `${f}.transform`);
    if (transform) return { kind: 'transform', template: r.str(transform['template'], `${f}.transform.template`) ?? '' };
    return { kind: 'none' };
  });
}

function parseFind(r: FieldReader, v: unknown, field: string): FindModel | undefined {
  const o = r.obj(v, field);
  if (!o) return undefined;
  const path = r.str(o['path'], `${field}.path`);
  const name = r.obj(o['name'], `${field}.name`);
  // ESO switches to name matching whenever `name` is set, even without a regexp ("" matches all).
  const nameRegexp = name ? (r.str(name['regexp'], `${field}.name.regexp`) ?? '') : undefined;
  const tags = r.strMap(o['tags'], `${field}.tags`);
  const conversionStrategy = r.str(o['conversionStrategy'], `${field}.conversionStrategy`);
  return {
    field, ...(path !== undefined ? { path } : {}), ...(nameRegexp !== undefined ? { nameRegexp } : {}), ...(tags ? { tags } : {}),
    ...(conversionStrategy !== undefined ? { conversionStrategy } : {}),
  };
}

/**
 * ESO's webhook rules on the target's policies (externalsecret_validator.go validatePolicies): a
 * Secret ESO does not own is never deleted, and None leaves nothing to merge into.
 */
function policyRules(r: FieldReader, target: { creationPolicy: string; deletionPolicy: string }): void {
  const { creationPolicy, deletionPolicy } = target;
  if (deletionPolicy === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creationPolicy)) {
    r.problem('spec.target.deletionPolicy', "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner", `With creationPolicy ${creationPolicy} ESO does not own the Secret: set spec.target.creationPolicy to Owner, or spec.target.deletionPolicy to Retain${creationPolicy === 'None' ? '' : ' or Merge'}.`);
  }
  if (deletionPolicy === 'Merge' && creationPolicy === 'None') {
    r.problem('spec.target.deletionPolicy', 'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with', 'Set spec.target.deletionPolicy to Retain, or spec.target.creationPolicy to Merge or Owner.');
  }
}

/** ESO's webhook and ApplyTemplate (esv1.ValidateSecretTemplate) rules for templates of a Secret target. */
function templateRules(r: FieldReader, target: Json): void {
  const tpl = isObject(target['template']) ? target['template'] : undefined;
  if (!tpl) return;
  const manifest = isObject(target['manifest']) ? target['manifest'] : undefined;
  const toSecret = !manifest || (manifest['apiVersion'] === 'v1' && manifest['kind'] === 'Secret');
  const from = Array.isArray(tpl['templateFrom']) ? tpl['templateFrom'] : [];
  const targets = from.map((e) => (isObject(e) && typeof e['target'] === 'string' ? e['target'] : ''));
  const type = tpl['type'];
  const annotations = isObject(tpl['metadata']) && isObject(tpl['metadata']['annotations']) ? tpl['metadata']['annotations'] : {};
  if (type === 'kubernetes.io/service-account-token') {
    if (Object.hasOwn(annotations, 'kubernetes.io/service-account.name')) {
      r.problem('spec.target.template.type', 'template.type="kubernetes.io/service-account-token" with annotation "kubernetes.io/service-account.name" is not allowed', 'ESO does not write ServiceAccount token Secrets: use another template.type, or drop the annotation.');
    } else if (targets.some((t) => t.toLowerCase() === 'annotations')) {
      r.problem('spec.target.template.type', 'template.type="kubernetes.io/service-account-token" with templateFrom target="Annotations" is not allowed', 'Use another template.type, or another templateFrom target.');
    }
  }
  if (type === 'bootstrap.kubernetes.io/token') r.problem('spec.target.template.type', 'template.type="bootstrap.kubernetes.io/token" is not allowed', 'Use another template.type.');
  if (!toSecret) return;
  targets.forEach((t, i) => {
    if (['', 'data', 'annotations', 'labels'].includes(t.toLowerCase())) return;
    r.problem(`spec.target.template.templateFrom[${i}].target`, `templateFrom target=${JSON.stringify(t)} is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"`, 'Set target to Data, Annotations or Labels.');
  });
}

function parseExternalSecret(r: FieldReader, obj: Json, apiVersion: EsoApiVersion, options: ParseOptions): ExternalSecretModel {
  const meta = metadataOf(r, obj);
  const spec = r.obj(obj['spec'], 'spec') ?? {};
  const secretStoreRef = parseStoreRef(r, spec['secretStoreRef'], 'spec.secretStoreRef');
  const targetObj = r.obj(spec['target'], 'spec.target') ?? {};
  const target = {
    creationPolicy: r.str(targetObj['creationPolicy'], 'spec.target.creationPolicy') ?? 'Owner',
    deletionPolicy: r.str(targetObj['deletionPolicy'], 'spec.target.deletionPolicy') ?? 'Retain',
  };

  const data: DataEntryModel[] = [];
  (r.arr(spec['data'], 'spec.data') ?? []).forEach((item, i) => {
    const field = `spec.data[${i}]`;
    const o = r.obj(item, field);
    if (!o) return;
    const remoteRef = parseRemoteRef(r, o['remoteRef'], `${field}.remoteRef`, apiVersion);
    if (!remoteRef) r.problem(`${field}.remoteRef`, `${field}.remoteRef is required but missing.`, `Set ${field}.remoteRef.key.`);
    // Field by field, in the model's order (field, secretKey, remoteRef, storeRef, generatorRef, hasSourceRef).
    const entry: DataEntryModel = {
      field,
      secretKey: strAt(r, o, field, 'secretKey', true) ?? '',
      remoteRef: remoteRef ?? { key: '', metadataPolicy: 'None', field: `${field}.remoteRef` },
    };
    if (o['sourceRef'] != null) {
      const source = parseSourceRef(r, o['sourceRef'], `${field}.sourceRef`);
      if (source.storeRef) entry.storeRef = source.storeRef;
      if (source.generatorRef) entry.generatorRef = source.generatorRef;
      entry.hasSourceRef = true;
    }
    data.push(entry);
  });

  const dataFrom: DataFromEntryModel[] = [];
  (r.arr(spec['dataFrom'], 'spec.dataFrom') ?? []).forEach((item, i) => {
    const field = `spec.dataFrom[${i}]`;
    const o = r.obj(item, field);
    if (!o) return;
    const extract = parseRemoteRef(r, o['extract'], `${field}.extract`, apiVersion);
    const find = parseFind(r, o['find'], `${field}.find`);
    const source = parseSourceRef(r, o['sourceRef'], `${field}.sourceRef`);
    const rewrite = r.arr(o['rewrite'], `${field}.rewrite`);
    // ESO's ExternalSecret webhook rules for dataFrom entries.
    const set = [extract, find, source.generatorRef].filter((x) => x !== undefined).length;
    if (set > 1) r.problem(field, 'extract, find, or generatorRef cannot be set at the same time', `Keep one of ${field}.extract, ${field}.find, ${field}.sourceRef.generatorRef.`);
    if (!extract && !find && o['sourceRef'] == null) r.problem(field, 'either extract, find, or sourceRef must be set to dataFrom', `Set ${field}.extract or ${field}.find.`);
    if (o['sourceRef'] != null && !source.storeRef && !source.generatorRef) r.problem(`${field}.sourceRef`, 'generatorRef or storeRef must be set when using sourceRef in dataFrom', `Set ${field}.sourceRef.storeRef or remove ${field}.sourceRef.`);
    dataFrom.push({
      field,
      ...(extract ? { extract } : {}),
      ...(find ? { find } : {}),
      ...source,
      ...(rewrite && rewrite.length > 0 ? { hasRewrite: true, rewrite: parseRewrite(r, rewrite, `${field}.rewrite`) } : {}),
    });
  });

  policyRules(r, target);
  if (data.length === 0 && dataFrom.length === 0) r.problem('spec', 'either data or dataFrom should be specified', 'Add spec.data or spec.dataFrom entries.');
  templateRules(r, targetObj);
  if (target.deletionPolicy === 'Retain') {
    const seen = new Set<string>();
    for (const d of data) {
      if (seen.has(d.secretKey)) r.problem(`${d.field}.secretKey`, `duplicate secretKey found: ${d.secretKey}`, 'Give every spec.data entry its own secretKey.');
      seen.add(d.secretKey);
    }
  }
  return {
    kind: 'ExternalSecret',
    apiVersion,
    name: meta.name,
    namespace: meta.namespace ?? options.defaultNamespace ?? 'default',
    ...(secretStoreRef ? { secretStoreRef } : {}),
    data,
    dataFrom,
    raw: obj,
    target,
  };
}
