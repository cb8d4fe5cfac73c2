// Checks of one secret reference (`spec.data[i]`, `spec.dataFrom[i]`) of an ExternalSecret, in the
// order issue "no oracle" requires: store resolution, login (auth mount, role, binding), policy
// coverage of the exact requests ESO makes; only then mount, existence, versions and properties.
import { secretNamespace } from '../eso/vault-namespaces.js';
import type { EsoProblem, ReferencePlan, StoreModel, VaultProviderModel, VaultRequestPlan } from '../eso/model.js';
import type { Finding } from './finding.js';
import { shownToAuthor } from './finding-codes.js';
import { storeTrustForReference } from './rules/tls-trust.js';
import { detectClassicMistakes, listKeyPaths, resolveExtractOnShape, resolvePropertyOnShape } from '../eso/index.js';
import { evaluateAcl, isOperationAllowed, suggestStanza, type CompiledAcl } from '../vault/acl/index.js';
import type { FactOptions, KvMetadataFact, KvMountFact, SecretLocation } from '../vault/facts.js';
import { hasUnknownLeaves, toValueShape } from '../eso/value-shape.js';
import { folderLocation, secretLocation } from './kv-location.js';
import { kvRequestProblem, uncheckedKvPathFinding } from './rules/vault-names.js';
import { walkFindCandidates } from './find-candidates.js';
import { findCoverageFindings } from './rules/find-coverage.js';
import { kvMountFindings } from './rules/kv-mount.js';
import { policyCoverage } from './rules/policy-coverage.js';
import { extractPropertyFindings, propertyFindings, propertyNotVerifiableFinding } from './rules/property.js';
import { extractKeyResult, secretKeyFindings } from './rules/secret-keys.js';
import { deriveSecretKeys } from '../eso/key-pipeline.js';
import { listNotFoundFinding, metadataNotFoundFinding, secretStateFindings } from './rules/secret-state.js';
import { notVerifiableIdentityFinding } from './rules/store-config.js';
import { blocksReference, storeResolutionFindings } from './rules/store-resolution.js';
import { resolveStoreAccess, storeLabel, type StoreAccess } from './store-access.js';
import type { StoreCheckEnv } from './store-check.js';
import { closestNames } from './suggest.js';
import { relevantUnresolvedTemplates } from './template-relevance.js';

/** What a store check needs, plus what the references of one ExternalSecret share. */
export interface ReferenceCheckEnv extends StoreCheckEnv {
  /** deletionPolicy Delete/Merge: ESO skips a missing secret. */
  missingIsSkipped: boolean;
  /** Store access per store and identity, shared by the references of one object. */
  accessCache: Map<string, Promise<StoreAccess>>;
  /** The Secret ESO writes (spec.target.name, else the ExternalSecret's name). */
  targetName?: string;
  /** The store's TLS-trust findings (tls-check.ts), shared per store; absent: not checked here. */
  storeTrust?: (store: StoreModel) => Promise<Finding[]>;
  /** dataFrom entry field → the Secret keys ESO makes of it, where they are known (templates read them). */
  producedKeys?: Map<string, string[]>;
}

/** The path Vault's ACL sees for a request: the HTTP path without `/v1/`; LIST paths end in `/`. */
export function aclPathOf(request: VaultRequestPlan): string {
  const path = request.httpPath.replace(/^\/v1\//, '').replace(/^\/+/, '');
  return request.capability === 'list' && !path.endsWith('/') ? `${path}/` : path;
}

function sibling(field: string, leaf: string): string {
  return field.replace(/\.[A-Za-z]+$/, `.${leaf}`);
}

export async function checkReference(plan: ReferencePlan, env: ReferenceCheckEnv): Promise<void> {
  const { collector } = env;
  if (plan.kind === 'generator' || plan.kind === 'empty') return;
  // Non-Vault stores pass untouched: only the operator-only notice (StoreOutOfScope) is kept, for logs.
  if (plan.outOfScope !== undefined) {
    collector.add(...storeResolutionFindings(plan.problems.filter((p) => !shownToAuthor(p.code))));
    return;
  }
  collector.add(...storeResolutionFindings(plan.problems));
  // A problem in the reference's own fields (a malformed remoteRef), not in its store reference, does
  // not stop the login checks of its store (issue 15 item 11).
  const ownField = (p: EsoProblem): boolean => p.field.startsWith(`${plan.field}.`) && !p.field.startsWith(`${plan.field}.sourceRef`);
  if (blocksReference(plan.problems.filter((p) => !ownField(p)))) return;
  const store = plan.store;
  if (!store || store.provider.type !== 'vault' || !plan.identity) return;
  const vault = store.provider.vault;
  const reportField = plan.storeRef?.field ?? 'spec.secretStoreRef';
  const opts: FactOptions = { ...env.opts, ...(secretNamespace(vault) ? { namespace: secretNamespace(vault) } : {}) };
  const identity = plan.identity;
  // ESO builds the client (CA set included) before any login: a store whose TLS trust is broken fails
  // every ExternalSecret with that error, so it is the whole answer for this reference.
  const trustErrors = (await env.storeTrust?.(store) ?? []).filter((f) => f.severity === 'error');
  if (trustErrors.length > 0) {
    collector.add(...trustErrors.map((f) => storeTrustForReference(f, storeLabel(store), reportField)));
    return;
  }
  // Which mount serves the path does not depend on the store's access, and says nothing about the
  // secret: ask now, alongside the login checks, so the cold path is one round trip shorter. Made in
  // every case, so its timing tells nothing either. (Secret data is read only once coverage allows it.)
  const first = plan.requests[0];
  // A path ESO would reach through `.`/`..`, or with a name the request builder refuses, is never
  // sent to Vault by the webhook: only policy coverage (pure) is judged for it.
  const pathProblem = plan.requests.map((r) => kvRequestProblem(r, aclPathOf(r))).find((p) => p !== undefined);
  if (first && first.purpose !== 'tags-metadata' && !pathProblem) void env.facts.mountForPath(vault.server, aclPathOf(first), opts).catch(() => undefined);
  const key = `${store.kind}/${store.namespace ?? ''}/${store.name}|${identity.serviceAccount?.namespace ?? ''}/${identity.serviceAccount?.name ?? ''}`;
  let accessPromise = env.accessCache.get(key);
  if (!accessPromise) {
    accessPromise = resolveStoreAccess({
      store,
      vault,
      identity,
      reportField,
      facts: env.facts,
      lookup: env.lookup,
      opts,
      defaultAudiences: env.defaultAudiences,
      disclosure: env.disclosure,
      collector,
      ...(env.tokenReviews ? { tokenReviews: env.tokenReviews } : {}),
    });
    env.accessCache.set(key, accessPromise);
  }
  const access = await accessPromise;
  if (access.status === 'unavailable' || access.status === 'blocked') return;
  if (access.status === 'unknown-identity') {
    collector.add(
      notVerifiableIdentityFinding({
        store: storeLabel(store),
        identity: access.reason ? { ...identity, notVerifiableReason: access.reason } : identity,
        field: reportField,
        consequence: env.disclosure.secretStateForUnknownIdentity
          ? 'policy coverage cannot be checked'
          : 'policy coverage cannot be checked, and existence and properties are not reported either (they could reveal what the store may not read)',
      }),
    );
    if (!env.disclosure.secretStateForUnknownIdentity) return;
    if (pathProblem) {
      collector.add(uncheckedKvPathFinding(first?.field ?? reportField, pathProblem, false));
      return;
    }
    await checkSecretState(plan, vault, env, opts, undefined);
    return;
  }
  // Policy coverage of every request ESO will make for this reference.
  const manifestHints = plan.remoteRef && plan.requests[0]
    ? detectClassicMistakes(vault, plan.remoteRef, plan.requests[0].field).filter((m) => m.kind !== 'data-prefix-property').map((m) => m.hint)
    : [];
  // Suggest one named policy only when it is the role's single own policy and not shared by template.
  const own = access.sources.filter((s) => s.name !== 'default' && s.name !== 'root');
  const targetPolicy = own.length === 1 && !own[0]?.text.includes('{{') ? own[0]?.name : undefined;
  let covered = true;
  for (const request of plan.requests) {
    const aclPath = aclPathOf(request);
    const raw = evaluateAcl(access.acl, aclPath);
    const evaluation = { ...raw, unresolvedTemplates: relevantUnresolvedTemplates(raw, access.sources, aclPath) };
    const verdict = policyCoverage({
      request,
      aclPath,
      evaluation,
      allowed: isOperationAllowed(evaluation, request.capability),
      // Under Vault Enterprise the policy lives in the login namespace: its rule carries the child path.
      stanza: suggestStanza(`${access.acl.pathPrefix ?? ''}${aclPath}`, request.capability),
      store: storeLabel(store),
      roleName: access.roleName,
      authMountPath: access.authMountPath,
      policyNames: access.policyNames,
      hints: manifestHints,
      ...(targetPolicy ? { targetPolicy } : {}),
    });
    collector.add(...verdict.findings);
    if (verdict.verdict !== 'allowed') covered = false;
  }
  if (!covered && !env.disclosure.secretStateBeyondPolicy) return;
  if (pathProblem) {
    // Said only once coverage allows the request: outside it, PolicyDenied is the whole answer.
    collector.add(uncheckedKvPathFinding(first?.field ?? reportField, pathProblem, true));
    return;
  }
  await checkSecretState(plan, vault, env, opts, access.acl, access);
}

/** Mount, existence, version, deletion and property of the secret a covered reference reads. */
async function checkSecretState(
  plan: ReferencePlan,
  vault: VaultProviderModel,
  env: ReferenceCheckEnv,
  opts: FactOptions,
  acl: CompiledAcl | undefined,
  access?: Extract<StoreAccess, { status: 'ok' }>,
): Promise<void> {
  const { collector, facts } = env;
  const store = plan.store;
  const first = plan.requests[0];
  if (!store || !first || first.purpose === 'tags-metadata') return;
  const requestPath = aclPathOf(first);
  const remoteRef = plan.remoteRef;
  const mistakes = remoteRef ? detectClassicMistakes(vault, remoteRef, first.field) : [];
  const pathHints = mistakes.filter((m) => m.kind !== 'data-prefix-property').map((m) => m.hint);
  const propertyHints = mistakes.filter((m) => m.kind === 'data-prefix-property').map((m) => m.hint);
  const pathFixes = mistakes.flatMap((m) => (m.kind !== 'data-prefix-property' && m.fix ? [m.fix] : []));
  const keyFix = pathFixes.length === 1 ? pathFixes[0] : undefined;
  const withKeyFix = keyFix ? { keyFix } : {};

  const mountFact = await facts.mountForPath(vault.server, requestPath, opts);
  if (collector.failed(first.field, mountFact)) return;
  const mount: KvMountFact | undefined = mountFact.status === 'ok' ? mountFact.value : undefined;
  const mountVerdict = kvMountFindings({
    store: storeLabel(store),
    storeVersion: vault.version,
    storePath: vault.path,
    requestPath,
    purpose: first.purpose,
    field: first.field,
    versionField: plan.storeRef?.field ?? 'spec.secretStoreRef',
    mount,
    hints: pathHints,
  });
  collector.add(...mountVerdict.findings);
  if (!mountVerdict.proceed || !mount) return;

  if (first.purpose === 'list') {
    const folder = folderLocation(mount, requestPath);
    if (!folder) return;
    const listed = await facts.listKeys(vault.server, folder, opts);
    if (collector.failed(first.field, listed)) return;
    if (listed.status === 'not_found') collector.add(listNotFoundFinding(first.field, requestPath, env.missingIsSkipped));
    if (listed.status === 'ok' && access && plan.find) {
      const field = plan.find.field ?? first.field;
      const walk = await walkFindCandidates({ vault, find: plan.find, field, acl: access.acl, facts, opts, collector, mount, topKeys: listed.value });
      collector.add(
        ...findCoverageFindings({
          field,
          store: storeLabel(store),
          roleName: access.roleName,
          authMountPath: access.authMountPath,
          policyNames: access.policyNames,
          denied: walk.denied,
          totalRequests: walk.totalRequests,
          stanza: walk.stanza,
        }),
      );
      if (walk.complete && walk.denied.length === 0) {
        const keys = deriveSecretKeys(walk.produced, plan.rewrite ?? [], plan.find.conversionStrategy);
        collector.add(...secretKeyFindings(plan, keys, env.targetName ?? ''));
        if (keys.status === 'ok') env.producedKeys?.set(plan.field, keys.keys);
      }
    }
    return;
  }

  const propertyField = sibling(first.field, 'property');
  const property = remoteRef?.property;
  if (first.purpose === 'metadata') {
    const at = secretLocation(mount, requestPath, 'metadata');
    if (!at) return;
    const meta = await facts.kvMetadata(vault.server, at, opts);
    if (collector.failed(first.field, meta)) return;
    if (meta.status === 'not_found') {
      collector.add(metadataNotFoundFinding(first.field, requestPath, pathHints, keyFix));
      return;
    }
    if (meta.status !== 'ok' || property === undefined || property === '') return;
    // ESO's metadata map: three system keys, then custom metadata (names are all the webhook keeps).
    const flat: Record<string, string> = { created_time: '', current_version: '', delete_version_after: '' };
    for (const k of meta.value.customMetadataKeys) flat[k] = '';
    const shape = toValueShape(flat);
    collector.add(
      ...propertyFindings({
        field: propertyField,
        property,
        secretPath: requestPath,
        resolution: resolvePropertyOnShape(shape, property),
        keyPaths: listKeyPaths(shape),
        hints: propertyHints,
      }),
    );
    return;
  }

  // purpose 'data'. On a KV v2 mount the structure comes from subkeys (no values) unless the mount
  // opted into value reads; a v1 store reading a v2 `data/` path gets the {data, metadata} envelope.
  const at = secretLocation(mount, requestPath, 'data');
  if (!at) return;
  const mountVersion: '1' | '2' = mount.kvVersion === '2' ? '2' : '1';
  const metadataAt: SecretLocation | undefined = mountVersion === '2' ? at : undefined;
  const propertyUnverifiable = (why: string) =>
    collector.add(propertyNotVerifiableFinding({ field: propertyField, property: property ?? '', secretPath: requestPath, why, mount: mount.mountPath }));
  if (facts.metadataOnly || (mountVersion === '1' && !facts.readsValues(vault.server, mount.mountPath))) {
    // No structure read: existence from metadata (KV v2) or from the parent folder's key names
    // (KV v1); properties cannot be checked.
    if (!facts.metadataOnly && property !== undefined && property !== '') propertyUnverifiable('KV v1 has no subkeys endpoint and secret values are not read');
    if (!metadataAt) {
      if (!facts.metadataOnly && (await kvV1Missing(vault.server, at, env, opts, acl))) {
        collector.add(...secretStateFindings({ field: first.field, requestPath, read: { state: 'missing' }, missingIsSkipped: env.missingIsSkipped, hints: pathHints, ...withKeyFix }));
      }
      return;
    }
    const meta = await facts.kvMetadata(vault.server, metadataAt, opts);
    if (collector.failed(first.field, meta)) return;
    if (meta.status === 'not_found') {
      collector.add(...secretStateFindings({ field: first.field, requestPath, read: { state: 'missing' }, missingIsSkipped: env.missingIsSkipped, hints: pathHints, ...withKeyFix }));
    }
    return;
  }
  const version = remoteRef?.version;
  const read = await facts.readSecretShape(vault.server, at, version, { ...opts, kvVersion: mountVersion });
  if (collector.failed(first.field, read)) return;
  if (read.status !== 'ok') {
    if (read.status === 'not_found') {
      collector.add(...secretStateFindings({ field: first.field, requestPath, read: { state: 'missing' }, missingIsSkipped: env.missingIsSkipped, hints: pathHints, ...withKeyFix }));
    }
    return;
  }
  const state = read.value;
  if (state.state === 'present') {
    const keys = plan.kind === 'extract' ? extractKeyResult(plan, state.shape) : undefined;
    if (keys) {
      collector.add(...secretKeyFindings(plan, keys, env.targetName ?? ''));
      if (keys.status === 'ok') env.producedKeys?.set(plan.field, keys.keys);
    }
    if (property === undefined || property === '') return;
    const shape = vault.version === 'v1' && mountVersion === '2' ? state.envelopeShape : state.shape;
    const common = { field: propertyField, property, secretPath: requestPath, keyPaths: listKeyPaths(shape), hints: propertyHints };
    if (plan.kind === 'extract') {
      const resolution = resolveExtractOnShape(shape, property);
      if (resolution.status === 'unknown' && hasUnknownLeaves(shape)) propertyUnverifiable('the key structure (subkeys) does not tell whether its value is an object');
      collector.add(...extractPropertyFindings({ ...common, resolution }));
    } else {
      const resolution = resolvePropertyOnShape(shape, property);
      if (resolution.status === 'unknown' && hasUnknownLeaves(shape)) propertyUnverifiable('it indexes below a key whose value (an array, a JSON string or an empty map) the key structure (subkeys) does not show');
      collector.add(...propertyFindings({ ...common, resolution }));
    }
    return;
  }
  let metadata: KvMetadataFact | null | undefined;
  let currentExists = false;
  if (state.state === 'missing' && version !== undefined && metadataAt) {
    // Tell a missing version from a missing secret with requests the store's identity may make:
    // the metadata (versions list) when it may read it, else the current version.
    const metadataPath = `${mount.mountPath}metadata/${metadataAt.secretPath}`;
    const mayReadMetadata = acl ? isOperationAllowed(evaluateAcl(acl, metadataPath), 'read') : true;
    if (mayReadMetadata) {
      const meta = await facts.kvMetadata(vault.server, metadataAt, opts);
      if (collector.failed(first.field, meta)) return;
      metadata = meta.status === 'ok' ? meta.value : null;
    } else {
      const current = await facts.readSecretShape(vault.server, at, undefined, { ...opts, kvVersion: mountVersion });
      if (collector.failed(first.field, current)) return;
      currentExists = current.status === 'ok' && current.value.state === 'present';
    }
  }
  const hints = [...pathHints];
  let stateFix = keyFix;
  if (state.state === 'missing' && metadata == null && !currentExists) {
    const siblings = await siblingHints(vault.server, requestPath, remoteRef?.key, mount, env, opts, acl);
    hints.push(...siblings.hints);
    // A sibling is the certain fix only alone, and only where no classic mistake names another key.
    if (siblings.fix) stateFix = keyFix === undefined || keyFix.value === siblings.fix.value ? { field: first.field, value: siblings.fix.value } : undefined;
  }
  collector.add(
    ...secretStateFindings({
      field: first.field,
      versionField: sibling(first.field, 'version'),
      requestPath,
      ...(version !== undefined ? { version } : {}),
      read: state,
      ...(metadata !== undefined ? { metadata } : {}),
      ...(currentExists ? { currentVersionExists: true } : {}),
      missingIsSkipped: env.missingIsSkipped,
      hints,
      ...(stateFix ? { keyFix: stateFix } : {}),
    }),
  );
}

/**
 * KV v1 existence without reading the value: the parent folder's LIST (key names only), made only
 * when the store's identity may list it (or the operator trusts the caller). A LIST the webhook's
 * own identity may not make, or that fails, decides nothing: KV v1 listing is optional in its policy.
 */
async function kvV1Missing(server: string, at: SecretLocation, env: ReferenceCheckEnv, opts: FactOptions, acl: CompiledAcl | undefined): Promise<boolean> {
  const slash = at.secretPath.lastIndexOf('/');
  const folder = slash >= 0 ? at.secretPath.slice(0, slash + 1) : '';
  const leaf = at.secretPath.slice(slash + 1);
  const mayList = acl ? isOperationAllowed(evaluateAcl(acl, `${at.mount}${folder}`), 'list') : env.disclosure.secretStateForUnknownIdentity;
  if (!mayList) return false;
  const listed = await env.facts.listKeys(server, { mount: at.mount, folder, kvVersion: '1' }, opts);
  if (listed.status === 'not_found') return true;
  return listed.status === 'ok' && !listed.value.includes(leaf);
}

/** "Did you mean" sibling paths, only when the store's identity may list the parent (or operator trust). */
async function siblingHints(
  server: string,
  requestPath: string,
  key: string | undefined,
  mount: KvMountFact,
  env: ReferenceCheckEnv,
  opts: FactOptions,
  acl: CompiledAcl | undefined,
): Promise<{ hints: string[]; fix?: { value: string } }> {
  const none = { hints: [] };
  const v2 = mount.kvVersion === '2';
  const base = v2 ? `${mount.mountPath}data/` : mount.mountPath;
  if (!requestPath.startsWith(base)) return none;
  const rel = requestPath.slice(base.length);
  const slash = rel.lastIndexOf('/');
  const parent = slash >= 0 ? rel.slice(0, slash + 1) : '';
  const leaf = slash >= 0 ? rel.slice(slash + 1) : rel;
  if (leaf === '') return none;
  const listPath = `${v2 ? `${mount.mountPath}metadata/` : mount.mountPath}${parent}`;
  const mayList = acl ? isOperationAllowed(evaluateAcl(acl, listPath), 'list') : env.disclosure.secretStateForUnknownIdentity;
  if (!mayList) return none;
  const folder = folderLocation(mount, listPath);
  if (!folder) return none;
  const listed = await env.facts.listKeys(server, folder, opts);
  if (listed.status !== 'ok') return none; // a sibling hint is optional: no could-not-check for it
  const names = listed.value.filter((n) => !n.endsWith('/'));
  const close = closestNames(leaf, names);
  if (close.length === 0) return none;
  // Suggest the key as the author wrote it, with only the last segment replaced.
  const written = (n: string): string => (key !== undefined && key.endsWith(leaf) ? `${key.slice(0, key.length - leaf.length)}${n}` : `${parent}${n}`);
  const hints = [`Did you mean ${close.map((n) => `"${written(n)}"`).join(' or ')}?`];
  // The single candidate is a certain fix only when the store's identity may read it (known identity).
  const only = close.length === 1 ? close[0] : undefined;
  if (only === undefined || key === undefined || !key.endsWith(leaf) || !acl || !isOperationAllowed(evaluateAcl(acl, `${base}${parent}${only}`), 'read')) return { hints };
  return { hints, fix: { value: written(only) } };
}
