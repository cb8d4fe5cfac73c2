// planExternalSecret: per data[]/dataFrom[] entry, the store ESO uses (client_manager.go), whether
// its conditions admit the namespace, the Vault requests ESO makes with the capability each needs,
// and the identity it logs in with.
import { describeConditions, goRegexCompileError, storeAdmitsNamespace } from './conditions.js';
import { planIdentity } from './identity.js';
import { ERR_AUTH_FORMAT } from './parse-vault.js';
import type {
  DataFromEntryModel, EsoProblem, ExternalSecretModel, FindModel, IdentityPlan, ReferencePlan, RemoteRefModel, StoreKind, StoreModel,
  StoreRefModel, VaultProviderModel, VaultRequestPlan,
} from './model.js';
import { buildDataPath, buildMetadataPath, MetadataPathError, toHttpPath } from './paths.js';

export interface StoreLookup {
  getStore(kind: StoreKind, name: string, namespace: string): StoreModel | undefined;
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  controllerServiceAccount: { name: string; namespace: string };
  /** Existing namespaces (ClusterExternalSecret selection); undefined when they are not known. */
  listNamespaces?(): string[] | undefined;
  /**
   * Every ClusterSecretStore, or every SecretStore of `namespace` (PushSecret stores chosen by
   * labelSelector); undefined when the stores are not known as a whole.
   */
  listStores?(kind: StoreKind, namespace: string): StoreModel[] | undefined;
}

/** ESO's --controller-class default (cmd/controller/root.go). */
export const DEFAULT_CONTROLLER_CLASS = 'default';

const RESOURCE: Record<StoreKind, string> = { SecretStore: 'secretstores', ClusterSecretStore: 'clustersecretstores' };

function request(purpose: VaultRequestPlan['purpose'], logicalPath: string, capability: 'read' | 'list', field: string, query?: Record<string, string>): VaultRequestPlan {
  // Field by field in the plan's order (purpose, logicalPath, httpPath, query, capability, field): no spread per request.
  const plan = { purpose, logicalPath, httpPath: toHttpPath(logicalPath) } as VaultRequestPlan;
  if (query) plan.query = query;
  plan.capability = capability;
  plan.field = field;
  return plan;
}

function malformed(field: string, message: string, hint: string): EsoProblem {
  return { code: 'MalformedReference', field, message, hint };
}

/** Store resolution: lookup, then ClusterSecretStore conditions. */
export function resolveStore(
  ref: StoreRefModel,
  esNamespace: string,
  lookup: StoreLookup,
  /** An ExternalSecret's reference: say that an omitted kind means SecretStore when only a ClusterSecretStore has the name. */
  omittedKindHint = false,
): { store?: StoreModel; problems: EsoProblem[] } {
  const store = lookup.getStore(ref.kind, ref.name, esNamespace);
  if (!store) {
    const other: StoreKind = ref.kind === 'SecretStore' ? 'ClusterSecretStore' : 'SecretStore';
    const otherExists = ref.name !== '' && lookup.getStore(other, ref.name, esNamespace) !== undefined;
    const where = ref.kind === 'SecretStore' ? ` in namespace "${esNamespace}"` : '';
    // An omitted kind with a ClusterSecretStore of that name: the hint names exactly one edit, the kind.
    const kindOmitted = otherExists && omittedKindHint && ref.kindDefaulted && other === 'ClusterSecretStore';
    const hint = ref.name === ''
      ? `Set ${ref.field}.name to the store's name.`
      : kindOmitted
        ? `A ClusterSecretStore "${ref.name}" exists: set ${ref.field}.kind: ClusterSecretStore (an omitted kind means SecretStore).`
        : otherExists
        ? `A ${other} named "${ref.name}" exists: set ${ref.field}.kind: ${other}.`
        : `Create the ${ref.kind} "${ref.name}"${where}, or fix ${ref.field}.name${ref.kindDefaulted ? ` (kind was omitted, which means SecretStore)` : ''}.`;
    return {
      problems: [{
        code: 'StoreNotFound',
        field: ref.field,
        message: `${ref.kind} "${ref.name}" does not exist${where}; ESO would fail with "could not get ${ref.kind} \\"${ref.name}\\", ${RESOURCE[ref.kind]}.external-secrets.io \\"${ref.name}\\" not found".`,
        hint,
        ...(kindOmitted ? { fix: { field: `${ref.field}.kind`, value: 'ClusterSecretStore' } } : {}),
      }],
    };
  }
  if (store.kind === 'ClusterSecretStore' && store.conditions.length > 0) {
    const admission = storeAdmitsNamespace(store, esNamespace, lookup.namespaceLabels(esNamespace));
    if (!admission.allowed && admission.error !== undefined) {
      return {
        store,
        problems: [{
          code: 'InvalidSelector',
          field: ref.field,
          message: `ClusterSecretStore "${store.name}" has a condition ESO cannot evaluate, so it cannot decide whether namespace "${esNamespace}" may use the store and fails with "${admission.error}".`,
          hint: `Fix spec.conditions of ClusterSecretStore "${store.name}" (label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn, Exists, DoesNotExist).`,
        }],
      };
    }
    if (!admission.allowed) {
      return {
        store,
        problems: [{
          code: 'StoreNamespaceNotAllowed',
          field: ref.field,
          message: `ClusterSecretStore "${store.name}" does not allow namespace "${esNamespace}": ${admission.reason}; ESO would fail with "using cluster store \\"${store.name}\\" is not allowed from namespace \\"${esNamespace}\\": denied by spec.condition".`,
          hint: `Add "${esNamespace}" to spec.conditions of ClusterSecretStore "${store.name}" (now: ${describeConditions(store.conditions)}), or use a store that serves this namespace.`,
        }],
      };
    }
  }
  return { store, problems: [] };
}

/**
 * What Vault's int field decoding accepts (Go strconv.ParseInt with base 0: sign, 0x/0o/0b prefixes,
 * underscores). Deliberately permissive: a rare form this admits is a missed error, never a false denial.
 */
const GO_INTEGER = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oObB]?[0-9_]+|[0-9][0-9_]*)$/;

/** Requests for one remote reference (data[] entry or dataFrom[].extract). */
export function planRemoteRef(vault: VaultProviderModel, remoteRef: RemoteRefModel, refField: string): { requests: VaultRequestPlan[]; problems: EsoProblem[] } {
  const keyField = `${refField}.key`;
  if (remoteRef.metadataPolicy === 'Fetch') {
    if (vault.version === 'v1') {
      return { requests: [], problems: [malformed(`${refField}.metadataPolicy`,
        `metadataPolicy is Fetch but the store is version: v1; ESO fails with "cannot perform metadata fetch operations with kv version v1".`,
        `Remove ${refField}.metadataPolicy, or use a KV v2 store.`)] };
    }
    try {
      return { requests: [request('metadata', buildMetadataPath(vault.path, vault.version, remoteRef.key), 'read', keyField)], problems: [] };
    } catch (err) {
      if (!(err instanceof MetadataPathError)) throw err;
      return { requests: [], problems: [malformed(keyField,
        `${keyField} "${remoteRef.key}" with metadataPolicy: Fetch and no spec.provider.vault.path: ESO fails with "${err.message}".`,
        'Set spec.provider.vault.path to the KV mount, or write the key as "<mount>/data/<path>".')] };
    }
  }
  if (vault.version === 'v2' && remoteRef.version !== undefined && remoteRef.version !== '' && !GO_INTEGER.test(remoteRef.version)) {
    return { requests: [], problems: [malformed(`${refField}.version`,
      `"${remoteRef.version}" is not a version number; ESO sends it as ?version= and KV v2 refuses the read (HTTP 400), so the ExternalSecret never syncs.`,
      `Set ${refField}.version to a version number such as "3", or remove it to read the current version.`)] };
  }
  const query = remoteRef.version !== undefined && remoteRef.version !== '' ? { version: remoteRef.version } : undefined;
  return { requests: [request('data', buildDataPath(vault.path, vault.version, remoteRef.key), 'read', keyField, query)], problems: [] };
}

/** Requests for dataFrom[].find: the first LIST, and the per-candidate reads as patterns. */
export function planFind(vault: VaultProviderModel, find: FindModel, findField: string): Pick<ReferencePlan, 'requests' | 'problems' | 'perCandidate'> {
  if (vault.version === 'v1' && find.tags !== undefined) {
    return { requests: [], problems: [malformed(`${findField}.tags`,
      `${findField}.tags is set but the store is version: v1; ESO fails with "cannot perform find by tag operations with kv version v1".`,
      `Use ${findField}.name.regexp instead of tags, or a KV v2 store.`)] };
  }
  if (find.nameRegexp !== undefined) {
    const error = goRegexCompileError(find.nameRegexp);
    if (error !== undefined) {
      return { requests: [], problems: [malformed(`${findField}.name.regexp`,
        `the pattern does not compile as a Go regular expression; ESO fails with "could not compile find.name.regexp [${find.nameRegexp}]: ${error}".`,
        'Fix the regular expression (Go RE2 syntax: no lookarounds or backreferences).')] };
    }
  }
  const searchPath = find.path ? `${find.path}/` : '';
  const pathField = find.path !== undefined ? `${findField}.path` : findField;
  let listPath: string;
  try {
    listPath = buildMetadataPath(vault.path, vault.version, searchPath);
  } catch (err) {
    if (!(err instanceof MetadataPathError)) throw err;
    const message = err.reason === 'nil-store-path-panic'
      ? `${findField} on a version: v1 store without spec.provider.vault.path: ${err.message}, so the ExternalSecret never syncs.`
      : `${findField} needs a KV v2 path: with no spec.provider.vault.path ESO fails with "${err.message}".`;
    return { requests: [], problems: [malformed(pathField, message, 'Set spec.provider.vault.path to the KV mount.')] };
  }
  const perCandidate: NonNullable<ReferencePlan['perCandidate']> = [];
  if (find.nameRegexp === undefined) {
    try {
      perCandidate.push({ purpose: 'tags-metadata', pathPattern: `${buildMetadataPath(vault.path, vault.version, searchPath)}*`, capability: 'read' });
    } catch { /* the LIST above already failed */ }
  }
  perCandidate.push({ purpose: 'data', pathPattern: `${buildDataPath(vault.path, vault.version, searchPath)}*`, capability: 'read' });
  return { requests: [request('list', listPath, 'list', pathField, { list: 'true' })], problems: [], perCandidate };
}

/** A spec.data entry whose sourceRef names no storeRef: ESO looks up a SecretStore named "". */
function emptySourceStoreRef(entryField: string, namespace: string, generator: boolean): EsoProblem {
  const field = generator ? `${entryField}.sourceRef.generatorRef` : `${entryField}.sourceRef`;
  const why = generator
    ? 'generatorRef is not a generator in spec.data (deprecated and not implemented there): ESO uses sourceRef.storeRef, which is empty'
    : 'sourceRef has no storeRef, so ESO uses an empty store reference';
  return {
    code: 'StoreNotFound',
    field,
    message: `${why}; ESO fails with "could not get SecretStore \\"\\"" (namespace "${namespace}").`,
    hint: generator
      ? `Move the generator to spec.dataFrom[].sourceRef.generatorRef, or set ${entryField}.sourceRef.storeRef to the store to read from.`
      : `Set ${entryField}.sourceRef.storeRef.name, or remove ${entryField}.sourceRef to use spec.secretStoreRef.`,
  };
}

function dataFromKind(entry: DataFromEntryModel): ReferencePlan['kind'] {
  // ESO's controller order: find, then extract, then generator.
  if (entry.find) return 'find';
  if (entry.extract) return 'extract';
  if (entry.generatorRef) return 'generator';
  return 'empty';
}

// Store models are replaced, never changed, when a store changes (kube/store-lookup.ts): the
// identity planned for one model and namespace is the same object for every reference and
// admission (identities are never changed either), so what is derived from it can be kept by it.
const identities = new WeakMap<StoreModel, Map<string, IdentityPlan>>();

function identityFor(store: StoreModel, esNamespace: string, controller: { name: string; namespace: string }): IdentityPlan {
  let byNamespace = identities.get(store);
  if (!byNamespace) identities.set(store, (byNamespace = new Map()));
  const key = `${esNamespace}\u0000${controller.name}\u0000${controller.namespace}`;
  let identity = byNamespace.get(key);
  if (!identity) {
    if (byNamespace.size >= 1_000) byNamespace.clear();
    byNamespace.set(key, (identity = planIdentity(store, esNamespace, controller)));
  }
  return identity;
}

export function planExternalSecret(es: ExternalSecretModel, lookup: StoreLookup): ReferencePlan[] {
  const plans: ReferencePlan[] = [];
  const defaultRef: StoreRefModel = es.secretStoreRef ?? { kind: 'SecretStore', name: '', field: 'spec.secretStoreRef', kindDefaulted: true };

  // Most entries share one store reference (spec.secretStoreRef): resolved once per reference object.
  // (The maps are made on first use: an object whose entries have no store reference needs none.)
  let resolvedByRef: Map<StoreRefModel, ReturnType<typeof resolveStore>> | undefined;
  const withStore = (base: ReferencePlan, ref: StoreRefModel, planRequests: (vault: VaultProviderModel) => Pick<ReferencePlan, 'requests' | 'problems' | 'perCandidate'>): ReferencePlan => {
    resolvedByRef ??= new Map();
    let resolved = resolvedByRef.get(ref);
    if (!resolved) resolvedByRef.set(ref, (resolved = resolveStore(ref, es.namespace, lookup, true)));
    // `base` is this entry's own, made for this call: completed in place, in the key order a copy
    // would have (base's keys, then storeRef and store), instead of copied with spreads.
    const plan = base;
    plan.storeRef = ref;
    if (resolved.store) plan.store = resolved.store;
    plan.problems = [...resolved.problems];
    const store = resolved.store;
    if (!store) return plan;
    if (store.controller !== undefined && store.controller !== '' && store.controller !== DEFAULT_CONTROLLER_CLASS) {
      // ShouldProcessStore: another ESO instance (--controller-class) serves this store; ours fails
      // with "can not reference unmanaged store". Which classes run is not known here: not judged.
      plan.outOfScope = `the store's spec.controller is "${store.controller}", not ESO's default class`;
      plan.problems.push({ code: 'StoreOutOfScope', field: ref.field, message: `${store.kind} "${store.name}" belongs to controller class "${store.controller}"; only stores of the default class ("${DEFAULT_CONTROLLER_CLASS}" or unset) are checked.` });
      return plan;
    }
    if (store.provider.type !== 'vault') {
      plan.outOfScope = `the store's provider is ${store.provider.name || '(missing)'}, not Vault`;
      plan.problems.push({ code: 'StoreOutOfScope', field: ref.field, message: `${store.kind} "${store.name}" uses provider ${store.provider.name || '(missing)'}; only Vault stores are checked.` });
      return plan;
    }
    if (store.provider.vault.authEmpty) {
      plan.problems.push(malformed(ref.field,
        `${store.kind} "${store.name}" sets spec.provider.vault.auth with no method; ESO fails every read with "${ERR_AUTH_FORMAT}".`,
        `Set one auth method in spec.provider.vault.auth of ${store.kind} "${store.name}" (e.g. kubernetes), or use another store.`));
      return plan;
    }
    const planned = planRequests(store.provider.vault);
    plan.requests = planned.requests;
    plan.problems.push(...planned.problems);
    if (planned.perCandidate) plan.perCandidate = planned.perCandidate;
    identityByStore ??= new Map();
    let identity = identityByStore.get(store);
    if (!identity) identityByStore.set(store, (identity = identityFor(store, es.namespace, lookup.controllerServiceAccount)));
    plan.identity = identity;
    return plan;
  };
  // The same for every entry through one store (and the namespace is the object's): asked once.
  let identityByStore: Map<StoreModel, IdentityPlan> | undefined;

  for (const entry of es.data) {
    const base: ReferencePlan = { field: entry.field, kind: 'data', remoteRef: entry.remoteRef, requests: [], problems: [] };
    // spec.data[].sourceRef replaces the store reference with sourceRef.storeRef, empty when absent
    // (externalsecret_controller_secret.go toStoreGenSourceRef); generatorRef is not a generator here.
    if (entry.hasSourceRef && !entry.storeRef) {
      plans.push({ ...base, problems: [emptySourceStoreRef(entry.field, es.namespace, entry.generatorRef !== undefined)] });
      continue;
    }
    const refField = entry.remoteRef.field ?? `${entry.field}.remoteRef`;
    plans.push(withStore(base, entry.storeRef ?? defaultRef, (vault) => planRemoteRef(vault, entry.remoteRef, refField)));
  }
  for (const entry of es.dataFrom) {
    const kind = dataFromKind(entry);
    const base: ReferencePlan = { field: entry.field, kind, requests: [], problems: [] };
    if (kind === 'generator') {
      plans.push({ ...base, outOfScope: 'generators are not checked' });
      continue;
    }
    if (kind === 'empty') {
      // Passes ESO's webhook and then does nothing.
      plans.push(base);
      continue;
    }
    const ref = entry.storeRef ?? defaultRef;
    if (entry.rewrite) base.rewrite = entry.rewrite;
    if (kind === 'find' && entry.find) {
      const find = entry.find;
      plans.push(withStore({ ...base, find }, ref, (vault) => planFind(vault, find, find.field ?? `${entry.field}.find`)));
    } else if (entry.extract) {
      const extract = entry.extract;
      plans.push(withStore({ ...base, remoteRef: extract }, ref, (vault) => planRemoteRef(vault, extract, extract.field ?? `${entry.field}.extract`)));
    }
  }
  return plans;
}
