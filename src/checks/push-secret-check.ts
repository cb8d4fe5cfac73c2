// PushSecret: the stores ESO pushes to (secretStoreRefs by name, or by labelSelector among the
// SecretStores of the namespace / all ClusterSecretStores; pushsecret_controller.go GetSecretStores),
// the dataTo rules ESO validates before it pushes, and per store and entry what ESO's Vault provider
// does (providers/v1/vault/client_push.go PushSecret / DeleteSecret): read the current data; when
// it exists, read its metadata and refuse a secret without the managed-by marker ("secret not
// managed by external-secrets"); write the metadata marker (KV v2) and the data (create when new,
// update when it exists); with deletionPolicy Delete, delete data and metadata when the entry goes.
// Store binding and login are checked as for an ExternalSecret; existence and the marker are read
// only where the store's own identity may read them (no oracle).
//
// dataTo in per-key mode pushes each key of the source Secret to a remote key made from it. The
// webhook does not read Secrets (RBAC cannot grant their keys without their values, and a tenant's
// Secret is not the webhook's to read), so those remote keys are unknown: it reports only what
// fails for every key (no path under the store's prefix may be written) and says the rest is not
// verifiable.
import { secretLocation } from '../vault/kv-paths.js';
import { planIdentity, resolveStore, type StoreLookup } from '../eso/index.js';
import { DEFAULT_CONTROLLER_CLASS } from '../eso/plan.js';
import { labelSelectorError, labelSelectorMatchesValid } from '../eso/label-selector.js';
import {
  asStoreRef, dataToProblems, dataToTargets, entriesForStore, parsePushSecret, perKeyPrefixes, pushPaths, storeLabels,
  type PushDataTo, type PushEntry, type PushProblem, type PushSecretModel, type PushStoreRef,
} from '../eso/push-secret.js';
import type { StoreModel, VaultProviderModel } from '../eso/model.js';
import { pushSource, rewriteRuleProblems } from '../eso/push-source.js';
import { pushTemplateFindings } from './rules/push-template.js';
import type { TemplateSourceLookup } from './template-sources.js';
import { ERR_AUTH_FORMAT } from '../eso/parse-vault.js';
import { secretNamespace } from '../eso/vault-namespaces.js';
import { allowedSomewhereUnder, evaluateAcl, isOperationAllowed, suggestStanza, type Operation } from '../vault/acl/index.js';
import type { FactOptions, KvMetadataFact } from '../vault/facts.js';
import { casProblems, type CasProblem } from './rules/push-cas.js';
import { metadataValueDigest } from '../vault/metadata-digest.js';
import type { Finding } from './finding.js';
import { describeStore, quoteList } from './rules/describe.js';
import { notVerifiableIdentityFinding } from './rules/store-config.js';
import { storeResolutionFindings } from './rules/store-resolution.js';
import { resolveStoreAccess, storeLabel, type StoreAccess } from './store-access.js';
import type { StoreCheckEnv } from './store-check.js';

const MANAGED_BY = 'external-secrets';
/** Stores whose pushes are checked per PushSecret; the rest are counted. */
export const MAX_CHECKED_STORES = 20;
const SELECTOR_HINT = "Label keys and values: alphanumeric, '-', '_', '.', at most 63 characters; operators In, NotIn (with values), Exists, DoesNotExist (without).";

type PushEnv = StoreCheckEnv & { lookup: StoreLookup; templateSources?: TemplateSourceLookup };
type OkAccess = Extract<StoreAccess, { status: 'ok' }>;

function malformed(p: PushProblem): Finding {
  return { code: p.code ?? 'MalformedReference', severity: 'error', field: p.field, message: `${p.message} ESO fails the PushSecret with "${p.eso.replace(/"/g, '\\"')}".`, hint: p.hint };
}

const storeKey = (kind: string, name: string): string => `${kind}/${name}`;

/** GetSecretStores + removeUnmanagedStores: the stores ESO pushes to, or findings why not. */
function selectStores(ps: PushSecretModel, env: PushEnv): { stores: Map<string, { store: StoreModel; ref: PushStoreRef }>; complete: boolean } {
  const { collector, lookup } = env;
  const stores = new Map<string, { store: StoreModel; ref: PushStoreRef }>();
  let complete = true;
  const take = (ref: PushStoreRef, name: string): void => {
    const resolved = resolveStore(asStoreRef(ref, name), ps.namespace, lookup);
    collector.add(...storeResolutionFindings(resolved.problems));
    if (!resolved.store || resolved.problems.length > 0) {
      complete = false;
      return;
    }
    // A store of another controller class is dropped without an error (removeUnmanagedStores).
    const c = resolved.store.controller;
    if (c !== undefined && c !== '' && c !== DEFAULT_CONTROLLER_CLASS) return;
    if (!stores.has(storeKey(resolved.store.kind, resolved.store.name))) stores.set(storeKey(resolved.store.kind, resolved.store.name), { store: resolved.store, ref });
  };
  for (const ref of ps.storeRefs) {
    if (!ref.selector) {
      if (ref.name === '') {
        collector.add({ code: 'MalformedReference', severity: 'error', field: ref.field, message: 'The reference names no store and has no labelSelector; ESO fails the PushSecret with "refStore Name must be provided".', hint: `Set ${ref.field}.name, or ${ref.field}.labelSelector.` });
        complete = false;
        continue;
      }
      take(ref, ref.name);
      continue;
    }
    // ESO takes the labelSelector whenever it is set (the name is then ignored).
    const field = `${ref.field}.labelSelector`;
    const error = labelSelectorError(ref.selector);
    if (error !== undefined) {
      collector.add({ code: 'InvalidSelector', severity: 'error', field, message: `ESO cannot convert this selector and fails the PushSecret with "could not convert labels: ${error}".`, hint: SELECTOR_HINT });
      complete = false;
      continue;
    }
    const listed = lookup.listStores?.(ref.kind, ps.namespace);
    if (listed === undefined) {
      collector.add({ code: 'NotVerifiable', severity: 'info', field, message: `The ${ref.kind === 'ClusterSecretStore' ? 'ClusterSecretStores' : `SecretStores of namespace "${ps.namespace}"`} are not known here, so the stores this selector chooses were not resolved; the pushes through them were not checked.` });
      complete = false;
      continue;
    }
    const chosen = listed.filter((s) => labelSelectorMatchesValid(ref.selector!, storeLabels(s))).sort((a, b) => a.name.localeCompare(b.name));
    if (chosen.length === 0) {
      collector.add({
        code: 'NotVerifiable',
        severity: 'warning',
        field,
        message: `No ${ref.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : `SecretStore in namespace "${ps.namespace}"`} has these labels, so ESO pushes nothing through this reference.`,
        hint: `Label the store(s) to push to, or fix ${field}.`,
      });
      continue;
    }
    for (const s of chosen) take(ref, s.name);
  }
  return { stores, complete };
}

export async function checkPushSecret(obj: Record<string, unknown>, env: PushEnv): Promise<void> {
  const { collector } = env;
  const ps = parsePushSecret(obj);
  // validateDataToStoreRefs runs before anything is resolved; its failure stops the whole PushSecret.
  const staticProblems = dataToProblems(ps);
  collector.add(...staticProblems.map(malformed));
  // Then the source Secret(s): a selector ESO cannot resolve fails the PushSecret before any store.
  const spec = obj['spec'] !== null && typeof obj['spec'] === 'object' ? (obj['spec'] as Record<string, unknown>) : {};
  collector.add(...pushSource(spec).problems.map(malformed), ...rewriteRuleProblems(spec).map((p) => ({ code: 'MalformedReference' as const, severity: 'error' as const, field: p.field, message: p.message, hint: p.hint })));
  collector.add(...(await pushTemplateFindings(spec, ps.namespace, env.templateSources, env.opts.deadlineAtMs)));
  const { stores, complete } = selectStores(ps, env);
  if (complete && stores.size === 0 && ps.storeRefs.every((r) => r.selector)) {
    if (ps.storeRefs.length === 0) collector.add({ code: 'NotVerifiable', severity: 'warning', field: 'spec.secretStoreRefs', message: 'No store is referenced, so ESO pushes nothing.', hint: 'Add a store to spec.secretStoreRefs.' });
    return;
  }
  // validateDataToMatchesResolvedStores: a dataTo selector that picks none of the stores fails the PushSecret.
  if (complete && stores.size > 0) {
    ps.dataTo.forEach((d, i) => {
      const ref = d.storeRef;
      if (!ref || ref.name !== '' || !ref.selector || labelSelectorError(ref.selector) !== undefined) return;
      if ([...stores.values()].some(({ store }) => dataToTargets(d, store))) return;
      collector.add({
        code: 'MalformedReference',
        severity: 'error',
        field: `${ref.field}.labelSelector`,
        message: `None of the ${ref.kind}s this PushSecret pushes to (${[...stores.values()].filter(({ store }) => store.kind === ref.kind).map(({ store }) => `"${store.name}"`).join(', ') || 'none'}) has these labels; ESO fails the PushSecret with "dataTo[${i}]: labelSelector does not match any store in secretStoreRefs".`,
        hint: `Select one of the stores of spec.secretStoreRefs (kind ${ref.kind}${ref.kindDefaulted ? ', the default' : ''}).`,
      });
    });
  }
  // A broad selector may pick many stores; each costs a login's facts, so the first ones by name are checked.
  const all = [...stores.values()];
  for (const { store, ref } of all.slice(0, MAX_CHECKED_STORES)) {
    if (store.provider.type !== 'vault') continue;
    await checkStorePushes(ps, store, store.provider.vault, ref.field, env);
  }
  if (all.length > MAX_CHECKED_STORES) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: 'spec.secretStoreRefs', message: `ESO pushes through ${all.length} stores; the pushes through the first ${MAX_CHECKED_STORES} were checked.` });
  }
}

async function checkStorePushes(ps: PushSecretModel, store: StoreModel, vault: VaultProviderModel, refField: string, env: PushEnv): Promise<void> {
  const { collector, facts } = env;
  if (vault.authEmpty) {
    collector.add({ code: 'MalformedReference', severity: 'error', field: refField, message: `${describeStore(storeLabel(store))} sets spec.provider.vault.auth with no method; ESO fails every push with "${ERR_AUTH_FORMAT}".` });
    return;
  }
  const { entries, perKey, problems } = entriesForStore(ps, store);
  collector.add(...problems.map(malformed));
  const ns = secretNamespace(vault);
  const opts: FactOptions = { ...env.opts, ...(ns ? { namespace: ns } : {}) };
  const identity = planIdentity(store, ps.namespace, env.lookup.controllerServiceAccount);
  const access = await resolveStoreAccess(env, store, identity, refField);
  if (access.status === 'unavailable' || access.status === 'blocked') return;
  if (access.status === 'unknown-identity') {
    collector.add(notVerifiableIdentityFinding({ store: storeLabel(store), identity: access.reason ? { ...identity, notVerifiableReason: access.reason } : identity, field: refField, consequence: 'what the pushes may write cannot be checked' }));
    return;
  }
  const ctx: EntryCtx = { ps, store, vault, access, opts, env };
  for (const entry of entries) await checkEntry(entry, ctx);
  for (const d of perKey) checkPerKey(d, ctx);
}

interface EntryCtx {
  ps: PushSecretModel;
  store: StoreModel;
  vault: VaultProviderModel;
  access: OkAccess;
  opts: FactOptions;
  env: PushEnv;
}

function deniedFinding(ctx: EntryCtx, field: string, path: string, op: Operation, why: string, severity: Finding['severity'] = 'error'): Finding {
  const { access, store } = ctx;
  return {
    code: 'PolicyDenied',
    severity,
    field,
    message: `${describeStore(storeLabel(store))} logs in as role "${access.roleName}" (policies ${quoteList(access.policyNames)}), which may not ${op} ${path}; ${why}`,
    hint: `Add to a policy of role "${access.roleName}": ${suggestStanza(`${access.acl.pathPrefix ?? ''}${path}`, op)}`,
  };
}

/** One push to a known remote key (spec.data[], or a dataTo bundle). */
async function checkEntry(entry: PushEntry, ctx: EntryCtx): Promise<void> {
  const { vault, access, opts, ps } = ctx;
  const { collector, facts } = ctx.env;
  const field = entry.field;
  const may = (path: string, op: Operation): boolean => isOperationAllowed(evaluateAcl(access.acl, path), op);
  const denied = (path: string, op: Operation, why: string, severity?: Finding['severity']): Finding => deniedFinding(ctx, field, path, op, why, severity);
  const paths = pushPaths(vault, entry.remoteKey);
  if ('error' in paths) {
    collector.add({ code: 'MalformedReference', severity: 'error', field, message: `ESO cannot build the metadata path of "${entry.remoteKey}" and fails the push with "${paths.error}".`, hint: 'Set spec.provider.vault.path to the KV mount.' });
    return;
  }
  // 1. ESO reads the current secret first (readSecret; with updatePolicy IfNotExists, SecretExists); a 403 fails the push.
  if (!may(paths.data, 'read')) {
    collector.add(denied(paths.data, 'read', 'ESO reads the current secret before every push (client_push.go), so the push fails with 403.'));
    return;
  }
  // 2. Does it exist, and does it carry ESO's marker? Asked only as far as the identity may read.
  let exists: boolean | undefined;
  let managed: boolean | undefined;
  let metadata: KvMetadataFact | undefined;
  // The webhook's own requests are built from the mount and the path below it (request-path.ts).
  const mountFact = paths.metadata !== undefined ? await facts.mountForPath(vault.server, paths.data, opts) : undefined;
  if (mountFact !== undefined && collector.failed(field, mountFact)) return;
  const mount = mountFact?.status === 'ok' ? mountFact.value : undefined;
  const metaAt = mount && paths.metadata !== undefined ? secretLocation(mount, paths.metadata, 'metadata') : undefined;
  const dataAt = mount ? secretLocation(mount, paths.data, 'data') : undefined;
  if (paths.metadata !== undefined && metaAt !== undefined && dataAt !== undefined) {
    if (may(paths.metadata, 'read')) {
      const meta = await facts.kvMetadata(vault.server, metaAt, opts);
      if (collector.failed(field, meta)) return;
      if (meta.status === 'not_found') exists = false;
      else if (meta.status === 'ok') {
        metadata = meta.value;
        const versions = Object.values(meta.value.versions);
        const current = meta.value.versions[String(meta.value.currentVersion)];
        exists = versions.length > 0 && current !== undefined && current.deletionTime === '' && !current.destroyed;
        managed = meta.value.customMetadataDigests?.['managed-by'] === metadataValueDigest(MANAGED_BY);
      }
    } else {
      const read = await facts.readSecretShape(vault.server, dataAt, undefined, { ...opts, kvVersion: '2' });
      if (collector.failed(field, read)) return;
      exists = read.status === 'ok' && read.value.state === 'present';
      // updatePolicy IfNotExists: ESO skips an existing secret before it reads the metadata.
      if (exists && ps.updatePolicy !== 'IfNotExists') {
        collector.add(denied(paths.metadata, 'read', 'the secret exists, and ESO reads its metadata to find its managed-by marker before pushing, so the push fails with 403.'));
        return;
      }
    }
  }
  // updatePolicy IfNotExists: an existing secret is left alone (SecretExists; with a property, when
  // the property is set; that case is left unjudged rather than guessed).
  if (exists === true && ps.updatePolicy === 'IfNotExists') return;
  if (exists === true && managed === false) {
    collector.add({
      code: 'SecretNotManaged',
      severity: 'error',
      field,
      message: `${paths.data} exists without ESO's marker (custom_metadata managed-by=external-secrets); ESO refuses to overwrite it with "secret not managed by external-secrets".`,
      hint: `Push to another remoteKey, or (if ESO should own it) set the marker: vault kv metadata put -custom-metadata=managed-by=external-secrets <path>.`,
    });
    return;
  }
  // Over an existing (managed) secret ESO writes nothing while the pushed value equals Vault's
  // (client_push.go compares first): a refused write fails only at the value's first change, so it
  // warns; it cannot be an error for a PushSecret ESO syncs today.
  const writeSeverity: Finding['severity'] = exists === true ? 'warning' : 'error';
  const whenWritten = exists === true ? ' ESO writes nothing while the pushed value equals what Vault holds, so this fails at the value\'s first change.' : '';
  // Check-and-set: what Vault makes of the writes ESO sends (the secret's metadata, as the store's role read it).
  if (metadata !== undefined && paths.metadata !== undefined) {
    const refused = casProblems(vault, { meta: metadata }, { data: paths.data, metadata: paths.metadata }, entry.remoteKey);
    collector.add(...refused.map((p) => casFinding(p, field, ctx, writeSeverity, whenWritten)));
    if (refused.length > 0) return;
  }
  // 3. Writes: the KV v2 metadata marker, then the data; create for a new secret, update for an existing one.
  const op: Operation = exists === true ? 'update' : 'create';
  const what = exists === true ? 'the secret exists, so ESO\'s write needs update' : 'the secret does not exist yet, so ESO\'s first write needs create';
  if (paths.metadata !== undefined && !may(paths.metadata, op)) {
    collector.add(denied(paths.metadata, op, `ESO writes the managed-by marker to the metadata before the data (client_push.go); ${what}.${whenWritten}`, writeSeverity));
  }
  if (!may(paths.data, op)) collector.add(denied(paths.data, op, `ESO writes the data there; ${what}.${whenWritten}`, writeSeverity));
  // The engine's own check-and-set settings, judged only where the store's role may make the writes
  // (it would then meet Vault's refusal itself; nothing is told a role that cannot write).
  // Only on a KV v2 mount: on KV v1, <mount>/config would be a secret named "config".
  else if (paths.metadata !== undefined && may(paths.metadata, op) && mount?.kvVersion === '2' && facts.kvConfig) {
    const config = await facts.kvConfig(vault.server, mount.mountPath, opts);
    // The webhook's own policy may not grant <mount>/config: then this stays unjudged, never a failure.
    if (config.status === 'ok') {
      const refused = casProblems(vault, { config: config.value, mountPath: mount.mountPath }, { data: paths.data, metadata: paths.metadata }, entry.remoteKey);
      collector.add(...refused.map((p) => casFinding(p, field, ctx, writeSeverity, whenWritten)));
    }
  }
  // 4. deletionPolicy Delete: the delete when the entry or the PushSecret goes.
  if (ps.deletionPolicy === 'Delete') {
    const del = entry.property !== undefined ? [{ path: paths.data, op: 'update' as Operation }] : [{ path: paths.data, op: 'delete' as Operation }, ...(paths.metadata ? [{ path: paths.metadata, op: 'delete' as Operation }] : [])];
    for (const d of del) {
      if (!may(d.path, d.op)) {
        ctx.env.collector.add(deniedFinding(ctx, 'spec.deletionPolicy', d.path, d.op, `with deletionPolicy: Delete ESO ${d.op === 'delete' ? 'deletes' : 'rewrites'} it when the entry is removed (client_push.go DeleteSecret), which would fail and keep the PushSecret's finalizer.`, 'warning'));
      }
    }
  }
}

function casFinding(p: CasProblem, field: string, ctx: EntryCtx, severity: Finding['severity'], whenWritten: string): Finding {
  const key = ctx.ps.data.find((d) => d.field === field)?.secretKey ?? '';
  return {
    code: 'CheckAndSetRefused',
    severity,
    field,
    message: `${p.message}; Vault refuses the write with "${p.vault}" and ESO fails the PushSecret with "set secret failed: could not write remote ref ${key} to target secretstore ${ctx.store.name}: Error making API request. … * ${p.vault}".${whenWritten}`,
    hint: p.hint,
  };
}

/** A dataTo in per-key mode: each source key becomes a remote key under the store's path. */
function checkPerKey(d: PushDataTo, ctx: EntryCtx): void {
  const { access, store, vault } = ctx;
  const { collector } = ctx.env;
  const prefixes = perKeyPrefixes(vault);
  const keys = d.hasRewrite ? 'the source Secret\'s keys after spec.dataTo rewrite' : 'the source Secret\'s keys';
  if (prefixes === undefined) {
    collector.add({ code: 'NotVerifiable', severity: 'info', field: d.field, message: `${describeStore(storeLabel(store))} has no spec.provider.vault.path, so where ${keys} land depends on each key; the pushes were not checked.` });
    return;
  }
  const somewhere = (prefix: string, ...ops: Operation[]): boolean => ops.some((op) => allowedSomewhereUnder(access.acl, prefix, op));
  const label = `${describeStore(storeLabel(store))} logs in as role "${access.roleName}" (policies ${quoteList(access.policyNames)})`;
  const stanza = (prefix: string, caps: string[]): string => `path ${JSON.stringify(`${access.acl.pathPrefix ?? ''}${prefix}*`)} {\n  capabilities = [${caps.map((c) => JSON.stringify(c)).join(', ')}]\n}`;
  const impossible: { prefix: string; what: string; caps: string[] }[] = [];
  if (!somewhere(prefixes.data, 'read')) impossible.push({ prefix: prefixes.data, what: 'read', caps: ['read'] });
  if (prefixes.metadata !== undefined && !somewhere(prefixes.metadata, 'create', 'update')) impossible.push({ prefix: prefixes.metadata, what: 'create or update (the managed-by marker)', caps: ['create', 'update'] });
  if (!somewhere(prefixes.data, 'create', 'update')) impossible.push({ prefix: prefixes.data, what: 'create or update', caps: ['create', 'update'] });
  for (const i of impossible) {
    collector.add({
      code: 'PolicyDenied',
      severity: 'error',
      field: d.field,
      message: `${label}, which may not ${i.what} any path under ${i.prefix}; every key this dataTo pushes (${keys}) lands there, so every push fails with 403.`,
      hint: `Add to a policy of role "${access.roleName}" (narrowed to the keys pushed): ${stanza(i.prefix, i.caps)}`,
    });
  }
  if (impossible.length === 0) {
    collector.add({
      code: 'NotVerifiable',
      severity: 'info',
      field: d.field,
      message: `Through ${describeStore(storeLabel(store))} this dataTo pushes to ${prefixes.data}<key> for each of ${keys}; the webhook does not read Secrets, so the policy was checked only for paths under ${prefixes.data}, not per key, and existing secrets there were not checked for ESO's managed-by marker.`,
    });
  }
}
