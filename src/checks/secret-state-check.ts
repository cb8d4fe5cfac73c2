// What a covered reference finds in Vault, by what ESO's request reads: the mount serving it, then
// the folder a `find` lists, the metadata a `metadataPolicy: Fetch` reads, or the secret a data
// reference reads (secret-data-check.ts). Reached only once policy coverage allows the requests, or
// when the operator trusts the caller (disclosure.ts).
import type { ReferencePlan, VaultProviderModel } from '../eso/model.js';
import { listKeyPaths, resolvePropertyOnShape } from '../eso/index.js';
import { toValueShape } from '../eso/value-shape.js';
import { deriveSecretKeys } from '../eso/key-pipeline.js';
import type { Fact, FactOptions, KvMountFact } from '../vault/facts.js';
import { aclPathOf, folderLocation, secretLocation } from '../vault/kv-paths.js';
import { liveCandidates, walkFindCandidates } from './find-candidates.js';
import { findCoverageFindings } from './rules/find-coverage.js';
import { kvMountFindings, mountServes } from './rules/kv-mount.js';
import { propertyFindings } from './rules/property.js';
import { secretKeyFindings } from './rules/secret-keys.js';
import { listNotFoundFinding, metadataNotFoundFinding } from './rules/secret-state.js';
import { storeLabel, type GrantedAccess } from './store-access.js';
import type { ReferenceCheckEnv } from './reference-env.js';
import { checkSecretData, manifestMistakes, sibling, type ManifestHints, type SecretStateInput } from './secret-data-check.js';

/**
 * Mount, then existence, version, deletion and property of what a covered reference reads.
 * `mountLookup`: the mount lookup already started for the first request's path (reference-check.ts
 * asks it alongside the login checks); `access`: absent for an unknown identity.
 */
export async function checkSecretState(
  plan: ReferencePlan,
  vault: VaultProviderModel,
  env: ReferenceCheckEnv,
  opts: FactOptions,
  mountLookup: Promise<Fact<KvMountFact>> | undefined,
  access?: GrantedAccess,
  /** aclPathOf(the first request), when the caller has it already. */
  firstAclPath?: string,
): Promise<void> {
  const { collector, facts } = env;
  const store = plan.store;
  const first = plan.requests[0];
  if (!store || !first || first.purpose === 'tags-metadata') return;
  const requestPath = firstAclPath ?? aclPathOf(first);
  let mistakes: ManifestHints | undefined;
  const hints = (): ManifestHints => (mistakes ??= manifestMistakes(plan, vault));
  const mountFact = await (mountLookup ?? facts.mountForPath(vault.server, requestPath, opts));
  if (collector.failed(first.field, mountFact)) return;
  const mount: KvMountFact | undefined = mountFact.status === 'ok' ? mountFact.value : undefined;
  if (mount && mountServes(mount, vault.version, requestPath, first.purpose)) {
    await checkServedSecret(stateInput(plan, vault, env, opts, mount, requestPath, first.field, hints, access), first.purpose);
    return;
  }
  const mountInput = {
    store: storeLabel(store),
    storeVersion: vault.version,
    storePath: vault.path,
    requestPath,
    purpose: first.purpose,
    field: first.field,
    versionField: plan.storeRef?.field ?? 'spec.secretStoreRef',
    mount,
  };
  // The hints only go into findings' text: judged without them, worded with them when there is one.
  let mountVerdict = kvMountFindings(mountInput);
  if (mountVerdict.findings.length > 0) {
    mountVerdict = kvMountFindings({ ...mountInput, hints: hints().pathHints });
    collector.add(...mountVerdict.findings);
  }
  if (!mountVerdict.proceed || !mount) return;
  await checkServedSecret(stateInput(plan, vault, env, opts, mount, requestPath, first.field, hints, access), first.purpose);
}

function stateInput(
  plan: ReferencePlan, vault: VaultProviderModel, env: ReferenceCheckEnv, opts: FactOptions, mount: KvMountFact, requestPath: string, field: string,
  hints: () => ManifestHints, access: GrantedAccess | undefined,
): SecretStateInput {
  const input: SecretStateInput = { plan, vault, env, opts, mount, requestPath, field, hints };
  if (access) input.access = access;
  return input;
}

/** What the request reads, on a mount that serves it. */
function checkServedSecret(input: SecretStateInput, purpose: string): Promise<void> {
  if (purpose === 'list') return checkListedFolder(input);
  if (purpose === 'metadata') return checkMetadataRead(input);
  return checkSecretData(input);
}

/** dataFrom.find: the search folder's LIST, then the walk ESO makes below it and the keys it produces. */
async function checkListedFolder({ plan, vault, env, opts, mount, requestPath, field: requestField, access }: SecretStateInput): Promise<void> {
  const { collector, facts } = env;
  const folder = folderLocation(mount, requestPath);
  if (!folder) return;
  const listed = await facts.listKeys(vault.server, folder, opts);
  if (collector.failed(requestField, listed)) return;
  if (listed.status === 'not_found') collector.add(listNotFoundFinding(requestField, requestPath, env.missingIsSkipped));
  if (listed.status !== 'ok' || !access || !plan.find || !plan.store) return;
  const field = plan.find.field ?? requestField;
  const walk = await walkFindCandidates({ vault, find: plan.find, field, acl: access.acl, facts, opts, collector, mount, topKeys: listed.value });
  collector.add(
    ...findCoverageFindings({
      field,
      store: storeLabel(plan.store),
      roleName: access.roleName,
      authMountPath: access.authMountPath,
      policyNames: access.policyNames,
      denied: walk.denied,
      totalRequests: walk.totalRequests,
      stanza: walk.stanza,
    }),
  );
  if (walk.complete && walk.denied.length === 0) {
    const derive = (names: readonly string[]) => deriveSecretKeys(names, plan.rewrite ?? [], plan.find?.conversionStrategy);
    let keys = derive(walk.produced);
    let findings = secretKeyFindings(plan, keys, env.targetName ?? '');
    // A name walk does not see deletions: before a key problem is reported, the candidates whose
    // current version is deleted (which ESO skips) are left out. Tag walks already read metadata.
    if (findings.some((f) => f.severity === 'error') && plan.find.nameRegexp !== undefined && mount.kvVersion === '2') {
      const live = await liveCandidates({ vault, mount, names: walk.produced, facts, opts, collector, field });
      if (live === undefined) return;
      keys = derive(live);
      findings = secretKeyFindings(plan, keys, env.targetName ?? '');
    }
    collector.add(...findings);
    if (keys.status === 'ok') env.producedKeys?.set(plan.field, keys.keys);
  }
}

/** metadataPolicy: Fetch: the KV v2 metadata, and a property among its keys. */
async function checkMetadataRead({ plan, vault, env, opts, mount, requestPath, field, hints }: SecretStateInput): Promise<void> {
  const { collector, facts } = env;
  const at = secretLocation(mount, requestPath, 'metadata');
  if (!at) return;
  const meta = await facts.kvMetadata(vault.server, at, opts);
  if (collector.failed(field, meta)) return;
  if (meta.status === 'not_found') {
    collector.add(metadataNotFoundFinding(field, requestPath, hints().pathHints, hints().keyFix));
    return;
  }
  const property = plan.remoteRef?.property;
  if (meta.status !== 'ok' || property === undefined || property === '') return;
  // ESO's metadata map: three system keys, then custom metadata (names are all the webhook keeps).
  const flat: Record<string, string> = { created_time: '', current_version: '', delete_version_after: '' };
  for (const k of meta.value.customMetadataKeys) flat[k] = '';
  const shape = toValueShape(flat);
  collector.add(
    ...propertyFindings({
      field: sibling(field, 'property'),
      property,
      secretPath: requestPath,
      resolution: resolvePropertyOnShape(shape, property),
      keyPaths: listKeyPaths(shape),
      hints: hints().propertyHints,
    }),
  );
}
