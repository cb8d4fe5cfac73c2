// The Vault requests ESO will make through one store (or one role), from manifests and the planner
// alone — no Vault, so nothing about which secrets exist is learnt or used: data reads, metadata reads
// (metadataPolicy: Fetch), the LIST walk and candidate reads of `find` — for ExternalSecrets and the
// ones ClusterExternalSecrets create — and PushSecret writes. Each
// need names the object and field it comes from; `policy suggest` turns them into HCL.
import { planIdentity } from './identity.js';
import { externalSecretFor, parseClusterExternalSecret, selectNamespaces } from './cluster-external-secret.js';
import type { ExternalSecretModel, StoreKind, StoreModel, VaultProviderModel } from './model.js';
import { parseEsoObject } from './parse.js';
import { toHttpPath } from './paths.js';
import { planExternalSecret, resolveStore, type StoreLookup } from './plan.js';
import { asStoreRef, entriesForStore, parsePushSecret, perKeyPrefixes, pushPaths, storeLabels } from './push-secret.js';
import { labelSelectorError, labelSelectorMatchesValid } from './label-selector.js';
import { policyPathPrefix } from './vault-namespaces.js';

export type NeededCapability = 'read' | 'list' | 'create' | 'update' | 'delete';

export interface Need {
  /** ACL path as a policy names it: exact, or a `*` glob where ESO's own requests walk a subtree. */
  path: string;
  capabilities: NeededCapability[];
  /** `ExternalSecret team-a/api-db`. */
  object: string;
  field: string;
  /** What ESO does there, for the stanza's comment; `{it}` stands for the path. */
  why: string;
}

/** A reference the requests of which cannot be known from the manifests. */
export interface Uncovered {
  object: string;
  field: string;
  reason: string;
}

export type StoreSelector =
  | { by: 'store'; kind: StoreKind; namespace?: string; name: string }
  /** Stores that log in with this role at this auth mount (kubernetes, jwt, approle, ...). */
  | { by: 'role'; mount: string; role: string };

const trim = (p: string): string => p.replace(/^\/+|\/+$/g, '');

function matches(selector: StoreSelector, store: StoreModel, objectNamespace: string, lookup: StoreLookup): boolean {
  if (selector.by === 'store') {
    return store.kind === selector.kind && store.name === selector.name && (store.kind === 'ClusterSecretStore' || store.namespace === selector.namespace);
  }
  const identity = planIdentity(store, objectNamespace, lookup.controllerServiceAccount);
  return identity.authMountPath !== undefined && identity.role !== undefined && trim(identity.authMountPath) === trim(selector.mount) && identity.role.toLowerCase() === selector.role.toLowerCase();
}

/** The ACL path of a request ESO sends (Go's path.Clean, then Vault's trailing `/` for LIST). */
function aclPath(httpPath: string, list: boolean): string {
  const path = httpPath.replace(/^\/v1\/?/, '');
  return list ? `${path}/` : path;
}

/** `apps/data/team-a/*` from the planner's pattern, cleaned as the requests' paths are. */
function globPath(pattern: string): string {
  const prefix = pattern.replace(/\*$/, '');
  const clean = aclPath(toHttpPath(prefix), false);
  return prefix.endsWith('/') && clean !== '' ? `${clean}/*` : `${clean}*`;
}

function describe(kind: string, namespace: string | undefined, name: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

export interface NeedsResult {
  needs: Need[];
  uncovered: Uncovered[];
  /** Stores the selection matched, for the header. */
  stores: StoreModel[];
}

/**
 * Policy paths are written in the namespace the role logs in to; a store reading in a child namespace
 * is reached through the child's path (policyPathPrefix). null: the token is not valid there.
 */
function prefixOf(vault: VaultProviderModel): string | null {
  return policyPathPrefix(vault);
}

/** `objects`: the raw manifests (ExternalSecrets and PushSecrets are read; stores come from `lookup`). */
export function neededRequests(objects: readonly Record<string, unknown>[], lookup: StoreLookup, selector: StoreSelector): NeedsResult {
  const needs: Need[] = [];
  const uncovered: Uncovered[] = [];
  const stores = new Map<string, StoreModel>();
  const seen = (store: StoreModel) => stores.set(`${store.kind}/${store.namespace ?? ''}/${store.name}`, store);

  /** The requests of one ExternalSecret (or of one a ClusterExternalSecret creates). */
  const externalSecret = (es: ExternalSecretModel, object: string, fieldOf: (field: string) => string): void => {
    for (const plan of planExternalSecret(es, lookup)) {
      const store = plan.store;
      if (!store || store.provider.type !== 'vault' || !matches(selector, store, es.namespace, lookup)) continue;
      seen(store);
      if (plan.outOfScope !== undefined) continue;
      // Out-of-scope plans (the only ones with a StoreOutOfScope notice) were skipped above.
      const blocking = plan.problems[0];
      if (blocking) {
        uncovered.push({ object, field: fieldOf(blocking.field), reason: `${blocking.code}: ESO fails before it asks Vault` });
        continue;
      }
      const prefix = prefixOf(store.provider.vault);
      if (prefix === null) {
        uncovered.push({ object, field: fieldOf(plan.field), reason: 'the store reads in a Vault namespace outside the one it logs in to' });
        continue;
      }
      for (const request of plan.requests) {
        const list = request.capability === 'list';
        const path = `${prefix}${aclPath(request.httpPath, list)}`;
        if (list) {
          // The walk LISTs this folder and every folder below it (listSecrets recurses).
          needs.push({ path: `${path}*`, capabilities: ['list'], object, field: fieldOf(request.field), why: 'lists the folder and every folder below it, at {it}, for find' });
        } else {
          needs.push({ path, capabilities: ['read'], object, field: fieldOf(request.field), why: request.purpose === 'metadata' ? 'reads {it} for metadataPolicy: Fetch' : 'reads {it}' });
        }
      }
      for (const candidate of plan.perCandidate ?? []) {
        const why = candidate.purpose === 'tags-metadata' ? "reads the metadata of every secret the find lists, at {it}, to match find.tags" : 'reads every secret the find lists that matches, at {it}';
        needs.push({ path: `${prefix}${globPath(candidate.pathPattern)}`, capabilities: ['read'], object, field: fieldOf(plan.find?.field ?? `${plan.field}.find`), why });
      }
    }
  };

  for (const raw of objects) {
    const parsed = parseEsoObject(raw);
    if (parsed.kind === 'ExternalSecret') {
      externalSecret(parsed.model, describe('ExternalSecret', parsed.model.namespace, parsed.model.name), (f) => f);
    } else if (parsed.kind === 'Other' && parsed.kindName === 'ClusterExternalSecret') {
      // The ExternalSecret ESO creates in every selected namespace that exists (or is named, when
      // the namespaces are not known), with that namespace's store and identity.
      const ces = parseClusterExternalSecret(raw);
      const selection = selectNamespaces(ces, lookup.listNamespaces?.(), (ns) => lookup.namespaceLabels(ns));
      const object = `ClusterExternalSecret ${ces.name}`;
      if (selection.invalid) {
        uncovered.push({ object, field: selection.invalid.field, reason: 'ESO cannot convert this selector and creates no ExternalSecret' });
        continue;
      }
      for (const namespace of selection.selected ?? selection.named) {
        const es = parseEsoObject(externalSecretFor(ces, namespace));
        if (es.kind !== 'ExternalSecret') continue;
        externalSecret(es.model, `${object} (in namespace ${namespace})`, (f) => (f.startsWith('spec.') ? `spec.externalSecretSpec.${f.slice('spec.'.length)}` : f));
      }
    } else if (parsed.kind === 'Other' && parsed.kindName === 'PushSecret' && parsed.apiVersion === 'external-secrets.io/v1alpha1') {
      const ps = parsePushSecret(raw);
      const object = describe('PushSecret', ps.namespace, ps.name);
      const pushStores = new Map<string, StoreModel>();
      for (const ref of ps.storeRefs) {
        if (ref.name !== '') {
          const store = resolveStore(asStoreRef(ref), ps.namespace, lookup).store;
          if (store) pushStores.set(`${store.kind}/${store.namespace ?? ''}/${store.name}`, store);
        } else if (ref.selector && selector.by === 'store') {
          // A labelSelector picks among all stores; the selected one is the only one that matters here.
          const store = ref.kind === selector.kind ? lookup.getStore(selector.kind, selector.name, ps.namespace) : undefined;
          if (store && labelSelectorError(ref.selector) === undefined && labelSelectorMatchesValid(ref.selector, storeLabels(store))) pushStores.set(`${store.kind}/${store.namespace ?? ''}/${store.name}`, store);
        } else if (ref.selector) {
          uncovered.push({ object, field: `${ref.field}.labelSelector`, reason: 'the stores a labelSelector picks are not listed by --role; use --store' });
        }
      }
      for (const store of pushStores.values()) {
        if (store.provider.type !== 'vault' || !matches(selector, store, ps.namespace, lookup)) continue;
        seen(store);
        const vault = store.provider.vault;
        const prefix = prefixOf(vault);
        const { entries, perKey, problems } = entriesForStore(ps, store);
        for (const p of problems) uncovered.push({ object, field: p.field, reason: `ESO fails the push with "${p.eso}"` });
        if (problems.length > 0) continue;
        const deletes = ps.deletionPolicy === 'Delete';
        for (const entry of entries) {
          const paths = pushPaths(vault, entry.remoteKey);
          if ('error' in paths || prefix === null) {
            uncovered.push({ object, field: entry.field, reason: 'error' in paths ? `ESO fails the push with "${paths.error}"` : 'the store writes in a Vault namespace outside the one it logs in to' });
            continue;
          }
          // Whether the secret exists is not known without Vault: the first push creates, later ones update.
          const deletesIt = deletes && entry.property === undefined;
          const caps: NeededCapability[] = ['read', 'create', 'update', ...(deletesIt ? (['delete'] as const) : [])];
          needs.push({ path: `${prefix}${paths.data}`, capabilities: caps, object, field: entry.field, why: `pushes to {it}: reads, then creates or updates${deletesIt ? '; deletes it with deletionPolicy: Delete' : ''}` });
          if (paths.metadata !== undefined) {
            needs.push({ path: `${prefix}${paths.metadata}`, capabilities: caps, object, field: entry.field, why: `reads and writes the managed-by marker at {it}${deletesIt ? '; deletes it with deletionPolicy: Delete' : ''}` });
          }
        }
        // Per-key dataTo: the remote keys are the source Secret's keys, unknown from the manifests.
        for (const d of perKey) {
          const prefixes = perKeyPrefixes(vault);
          if (!prefixes || prefix === null) {
            uncovered.push({ object, field: d.field, reason: 'the remote keys are the source Secret\'s keys, and the store has no path to put them under' });
            continue;
          }
          const caps: NeededCapability[] = ['read', 'create', 'update', ...(deletes ? (['delete'] as const) : [])];
          const clean = (p: string) => `${prefix}${p.replace(/^\/+/, '')}*`;
          needs.push({ path: clean(prefixes.data), capabilities: caps, object, field: d.field, why: "pushes every key of the source Secret (dataTo), at {it}" });
          if (prefixes.metadata !== undefined) needs.push({ path: clean(prefixes.metadata), capabilities: caps, object, field: d.field, why: 'reads and writes the managed-by marker of every pushed key, at {it}' });
        }
      }
    }
  }
  return { needs, uncovered, stores: [...stores.values()] };
}
