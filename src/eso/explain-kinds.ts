// `explain --offline` for the kinds whose requests come from another object ESO creates or from
// pushes: ClusterExternalSecret (the ExternalSecret per selected namespace), PushSecret (per store
// and entry, the reads and writes of client_push.go) and ClusterPushSecret (the PushSecret per
// selected namespace).
import { externalSecretFor, parseClusterExternalSecret, selectNamespaces } from './cluster-external-secret.js';
import { parseClusterPushSecret, pushSecretFor } from './cluster-push-secret.js';
import { explainObjects, type ExplainEntry } from './explain.js';
import { planIdentity } from './identity.js';
import { labelSelectorError, labelSelectorMatchesValid, type LabelSelectorModel } from './label-selector.js';
import type { EsoProblem, StoreModel } from './model.js';
import { parseEsoObject } from './parse.js';
import { resolveStore, type StoreLookup } from './plan.js';
import {
  asStoreRef, dataToProblems, entriesForStore, parsePushSecret, perKeyPrefixes, pushPaths, storeLabels, type PushSecretModel,
} from './push-secret.js';

type Obj = Record<string, unknown>;

function emptyEntry(resource: ExplainEntry['resource'], field: string, referenceKind: string, problems: EsoProblem[]): ExplainEntry {
  return { resource, field, referenceKind, store: null, server: null, vaultPath: null, capability: null, property: null, requests: [], perCandidate: [], identity: null, problems, hints: [], outOfScope: null };
}

/** Namespaces a cluster-scoped object creates its object in, as far as the manifests tell. */
function targetNamespaces(selectors: { field: string; selector: LabelSelectorModel }[], lookup: StoreLookup): { namespaces: string[]; problem?: EsoProblem } {
  const selection = selectNamespaces({ selectors }, lookup.listNamespaces?.(), (ns) => lookup.namespaceLabels(ns));
  if (selection.invalid) {
    return { namespaces: [], problem: { code: 'InvalidSelector', field: selection.invalid.field, message: `ESO cannot convert this selector: ${selection.invalid.error}` } };
  }
  return { namespaces: selection.selected ?? selection.named };
}

const nested = (specField: string, field: string): string => (field === 'spec' ? specField : field.startsWith('spec.') ? `${specField}.${field.slice(5)}` : field);

function perNamespace(
  resource: ExplainEntry['resource'],
  selectors: { field: string; selector: LabelSelectorModel }[],
  lookup: StoreLookup,
  child: { kind: string; name: string; specField: string },
  explainChild: (namespace: string) => ExplainEntry[],
): ExplainEntry[] {
  const { namespaces, problem } = targetNamespaces(selectors, lookup);
  if (problem) return [emptyEntry(resource, problem.field, 'resource', [problem])];
  if (namespaces.length === 0) {
    return [emptyEntry(resource, 'spec', 'resource', [{
      code: 'MalformedReference',
      field: 'spec',
      message: `No namespace among the given manifests is selected (give the Namespace objects to see the ${child.kind} per namespace).`,
    }])];
  }
  return namespaces.flatMap((namespace) => explainChild(namespace).map((e) => ({
    ...e,
    resource,
    field: nested(child.specField, e.field),
    problems: e.problems.map((p) => ({ ...p, field: nested(child.specField, p.field) })),
    requests: e.requests.map((q) => ({ ...q, field: nested(child.specField, q.field) })),
    hints: e.hints.map((h) => ({ ...h, field: nested(child.specField, h.field) })),
    createdIn: { namespace, kind: child.kind, name: child.name },
  })));
}

/** The stores a PushSecret pushes to (GetSecretStores), with the problems that stop it. */
function pushStores(ps: PushSecretModel, lookup: StoreLookup): { stores: { store: StoreModel; field: string }[]; problems: EsoProblem[] } {
  const stores: { store: StoreModel; field: string }[] = [];
  const problems: EsoProblem[] = [];
  const take = (ref: PushSecretModel['storeRefs'][number], name: string): void => {
    const r = resolveStore(asStoreRef(ref, name), ps.namespace, lookup);
    problems.push(...r.problems);
    if (r.store && r.problems.length === 0 && !stores.some((s) => s.store.kind === r.store!.kind && s.store.name === r.store!.name)) stores.push({ store: r.store, field: ref.field });
  };
  for (const ref of ps.storeRefs) {
    if (!ref.selector) {
      if (ref.name === '') problems.push({ code: 'MalformedReference', field: ref.field, message: 'refStore Name must be provided' });
      else take(ref, ref.name);
      continue;
    }
    const error = labelSelectorError(ref.selector);
    if (error !== undefined) {
      problems.push({ code: 'InvalidSelector', field: `${ref.field}.labelSelector`, message: `could not convert labels: ${error}` });
      continue;
    }
    const listed = lookup.listStores?.(ref.kind, ps.namespace) ?? [];
    for (const s of listed.filter((x) => labelSelectorMatchesValid(ref.selector!, storeLabels(x)))) take(ref, s.name);
  }
  return { stores, problems };
}

function explainPushSecret(ps: PushSecretModel, lookup: StoreLookup): ExplainEntry[] {
  const resource = { kind: 'PushSecret', namespace: ps.namespace, name: ps.name };
  const out: ExplainEntry[] = [];
  const { stores, problems } = pushStores(ps, lookup);
  const rest = [...dataToProblems(ps).map((p): EsoProblem => ({ code: p.code ?? 'MalformedReference', field: p.field, message: p.eso, hint: p.hint })), ...problems];
  if (rest.length > 0 || stores.length === 0) out.push(emptyEntry(resource, 'spec', 'resource', rest));
  for (const { store } of stores) {
    const vault = store.provider.type === 'vault' ? store.provider.vault : undefined;
    const base = {
      resource,
      store: { kind: store.kind, name: store.name },
      server: vault?.server ?? null,
      property: null,
      perCandidate: [],
      identity: vault ? planIdentity(store, ps.namespace, lookup.controllerServiceAccount) : null,
      hints: [],
      outOfScope: vault ? null : 'the store is not a Vault store',
    };
    if (!vault) {
      out.push({ ...base, field: 'spec.secretStoreRefs', referenceKind: 'push', vaultPath: null, capability: null, requests: [], problems: [] });
      continue;
    }
    const { entries, perKey, problems: entryProblems } = entriesForStore(ps, store);
    for (const entry of entries) {
      const paths = pushPaths(vault, entry.remoteKey);
      const own = entryProblems.filter((p) => p.field === entry.field).map((p): EsoProblem => ({ code: 'MalformedReference', field: p.field, message: p.eso, hint: p.hint }));
      if ('error' in paths) {
        out.push({ ...base, field: entry.field, referenceKind: 'push', vaultPath: null, capability: null, requests: [], problems: [...own, { code: 'MalformedReference', field: entry.field, message: paths.error }] });
        continue;
      }
      const req = (purpose: string, method: 'GET' | 'PUT' | 'DELETE', path: string, capability: string): ExplainEntry['requests'][number] => ({ purpose, method, path: `/v1/${path}`, query: null, capability, field: entry.field });
      const requests: ExplainEntry['requests'] = [req('current secret (a 403 fails the push)', 'GET', paths.data, 'read')];
      // checkAndSet.required (client_push.go getCASVersion): options.cas, the metadata's current_version read again (0 when new).
      const cas = vault.version === 'v2' && vault.checkAndSetRequired ? ' with "cas" (the current version; 0 for a new secret)' : '';
      if (paths.metadata !== undefined) {
        if (ps.updatePolicy !== 'IfNotExists') requests.push(req('managed-by marker, when the secret exists', 'GET', paths.metadata, 'read'));
        if (cas !== '') requests.push(req('current version for "cas", when the secret exists', 'GET', paths.metadata, 'read'));
        requests.push(req('write the managed-by marker', 'PUT', paths.metadata, 'create (new) or update (existing)'));
      }
      requests.push(req(`${ps.updatePolicy === 'IfNotExists' ? 'write the data, only when the secret does not exist' : 'write the data'}${cas}`, 'PUT', paths.data, 'create (new) or update (existing)'));
      if (ps.deletionPolicy === 'Delete') {
        if (entry.property !== undefined) requests.push(req('on removal: write back the other keys', 'PUT', paths.data, 'update'));
        else {
          requests.push(req('on removal', 'DELETE', paths.data, 'delete'));
          if (paths.metadata !== undefined) requests.push(req('on removal', 'DELETE', paths.metadata, 'delete'));
        }
      }
      out.push({ ...base, field: entry.field, referenceKind: 'push', vaultPath: `/v1/${paths.data}`, capability: 'read', property: entry.property ?? null, requests, problems: own });
    }
    for (const d of perKey) {
      const prefixes = perKeyPrefixes(vault);
      const perKeyReqs: NonNullable<ExplainEntry['perKey']> = prefixes
        ? [
          { purpose: 'current secret', method: 'GET', pathPattern: `${prefixes.data}<key>`, capability: 'read' },
          ...(prefixes.metadata !== undefined ? [{ purpose: 'write the managed-by marker', method: 'PUT' as const, pathPattern: `${prefixes.metadata}<key>`, capability: 'create or update' }] : []),
          { purpose: 'write the data', method: 'PUT', pathPattern: `${prefixes.data}<key>`, capability: 'create or update' },
        ]
        : [];
      out.push({
        ...base,
        field: d.field,
        referenceKind: 'push-per-key',
        vaultPath: null,
        capability: null,
        requests: [],
        problems: [],
        perKey: perKeyReqs,
        outOfScope: `<key> is each key of the source Secret${d.hasRewrite ? ' after rewrite' : ''}; the manifests do not name them`,
      });
    }
  }
  return out;
}

/** Entries for the kinds explain.ts does not handle; undefined for anything else. */
export function explainOtherKind(obj: unknown, lookup: StoreLookup): ExplainEntry[] | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const o = obj as Obj;
  const kind = o['kind'];
  if (o['apiVersion'] === 'external-secrets.io/v1' && kind === 'ClusterExternalSecret') {
    const model = parseClusterExternalSecret(o);
    return perNamespace({ kind: 'ClusterExternalSecret', namespace: null, name: model.name }, model.selectors, lookup, { kind: 'ExternalSecret', name: model.esName, specField: 'spec.externalSecretSpec' },
      (ns) => explainObjects([parseEsoObject(externalSecretFor(model, ns))], lookup));
  }
  if (o['apiVersion'] === 'external-secrets.io/v1alpha1' && kind === 'PushSecret') return explainPushSecret(parsePushSecret(o), lookup);
  if (o['apiVersion'] === 'external-secrets.io/v1alpha1' && kind === 'ClusterPushSecret') {
    const model = parseClusterPushSecret(o);
    return perNamespace({ kind: 'ClusterPushSecret', namespace: null, name: model.name }, model.selectors, lookup, { kind: 'PushSecret', name: model.psName, specField: 'spec.pushSecretSpec' },
      (ns) => explainPushSecret(parsePushSecret(pushSecretFor(model, ns)), lookup));
  }
  return undefined;
}
