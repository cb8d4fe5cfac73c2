// A covered data reference against the secret it reads: existence (subkeys, metadata, or the parent
// folder's key names where values are not read), the version asked for, deletion, and the property
// on the secret's key structure. Every extra request is one the store's identity may make itself.
import type { ReferencePlan, VaultProviderModel } from '../eso/model.js';
import { detectClassicMistakes, listKeyPaths, resolveExtractOnShape, resolvePropertyOnShape } from '../eso/index.js';
import { hasUnknownLeaves, type ValueShape } from '../eso/value-shape.js';
import { evaluateAcl, isOperationAllowed, type CompiledAcl } from '../vault/acl/index.js';
import type { FactOptions, KvMetadataFact, KvMountFact, SecretLocation } from '../vault/facts.js';
import { folderLocation, metadataAclPath, parentFolder, secretLocation, siblingFolder } from '../vault/kv-paths.js';
import { extractPropertyFindings, propertyFindings, propertyNotVerifiableFinding } from './rules/property.js';
import { extractKeyResult, secretKeyFindings } from './rules/secret-keys.js';
import { secretStateFindings } from './rules/secret-state.js';
import type { GrantedAccess } from './store-access.js';
import type { FieldFix } from './finding.js';
import type { ReferenceCheckEnv } from './reference-env.js';
import { closestNames } from './suggest.js';

/** One covered reference whose mount is known, as the secret-state checks take it. */
export interface SecretStateInput {
  plan: ReferencePlan;
  vault: VaultProviderModel;
  env: ReferenceCheckEnv;
  opts: FactOptions;
  mount: KvMountFact;
  /** The ACL path of ESO's first request (`kv/data/team/db`). */
  requestPath: string;
  /** Its field (`spec.data[0].remoteRef.key`). */
  field: string;
  /** Manifest-only hints about the path and about the property (worded only when a finding needs them). */
  hints: () => ManifestHints;
  /** Absent for an unknown identity (operator trust): extra requests then follow the disclosure. */
  access?: GrantedAccess;
}

/** `spec.data[0].remoteRef.key` → `spec.data[0].remoteRef.property`. */
export function sibling(field: string, leaf: string): string {
  const dot = field.lastIndexOf('.');
  return dot >= 0 && /^[A-Za-z]+$/.test(field.slice(dot + 1)) ? `${field.slice(0, dot)}.${leaf}` : field;
}

export interface ManifestHints {
  pathHints: string[];
  propertyHints: string[];
  /** The one certain key fix a classic mistake names (none when several do). */
  keyFix?: FieldFix;
}

/** Classic manifest mistakes of the reference, split into hints about its path and about its property. */
export function manifestMistakes(plan: ReferencePlan, vault: VaultProviderModel): ManifestHints {
  const first = plan.requests[0];
  if (!plan.remoteRef || !first) return { pathHints: [], propertyHints: [] };
  const mistakes = detectClassicMistakes(vault, plan.remoteRef, first.field);
  if (mistakes.length === 0) return { pathHints: [], propertyHints: [] };
  const pathFixes = mistakes.flatMap((m) => (m.kind !== 'data-prefix-property' && m.fix ? [m.fix] : []));
  return {
    pathHints: mistakes.filter((m) => m.kind !== 'data-prefix-property').map((m) => m.hint),
    propertyHints: mistakes.filter((m) => m.kind === 'data-prefix-property').map((m) => m.hint),
    ...(pathFixes.length === 1 && pathFixes[0] ? { keyFix: pathFixes[0] } : {}),
  };
}

/**
 * purpose 'data'. On a KV v2 mount the structure comes from subkeys (no values) unless the mount
 * opted into value reads; a v1 store reading a v2 `data/` path gets the {data, metadata} envelope.
 */
export async function checkSecretData(input: SecretStateInput): Promise<void> {
  const { plan, vault, env, opts, mount, requestPath, field } = input;
  const { collector, facts } = env;
  const at = secretLocation(mount, requestPath, 'data');
  if (!at) return;
  const mountVersion: '1' | '2' = mount.kvVersion === '2' ? '2' : '1';
  if (facts.metadataOnly || (mountVersion === '1' && !facts.readsValues(vault.server, mount.mountPath))) {
    // No structure read: existence from metadata (KV v2) or from the parent folder's key names
    // (KV v1); properties cannot be checked.
    const property = plan.remoteRef?.property;
    if (!facts.metadataOnly && property !== undefined && property !== '') propertyUnverifiable(input, 'KV v1 has no subkeys endpoint and secret values are not read');
    if (mountVersion === '1') {
      if (!facts.metadataOnly && (await kvV1Missing(vault.server, at, env, opts, input.access?.acl))) reportMissing(input);
      return;
    }
    const meta = await facts.kvMetadata(vault.server, at, opts);
    if (collector.failed(field, meta)) return;
    if (meta.status === 'not_found') reportMissing(input);
    return;
  }
  const version = plan.remoteRef?.version;
  const read = await facts.readSecretShape(vault.server, at, version, { ...opts, kvVersion: mountVersion });
  if (collector.failed(field, read)) return;
  if (read.status !== 'ok') {
    if (read.status === 'not_found') reportMissing(input);
    return;
  }
  const state = read.value;
  if (state.state === 'present') {
    checkPresentSecret(input, state.shape, state.envelopeShape, mountVersion);
    return;
  }
  // Tell a missing version from a missing secret with requests the store's identity may make.
  const evidence = state.state === 'missing' && version !== undefined && mountVersion === '2' ? await versionEvidence(input, at) : {};
  if (evidence === undefined) return;
  const { pathHints, keyFix } = input.hints();
  const hints = [...pathHints];
  let stateFix = keyFix;
  if (state.state === 'missing' && evidence.metadata == null && !evidence.currentVersionExists) {
    const siblings = await siblingHints(input);
    hints.push(...siblings.hints);
    // A sibling is the certain fix only alone, and only where no classic mistake names another key.
    if (siblings.fix) stateFix = keyFix === undefined || keyFix.value === siblings.fix.value ? { field, value: siblings.fix.value } : undefined;
  }
  collector.add(
    ...secretStateFindings({
      field,
      versionField: sibling(field, 'version'),
      requestPath,
      ...(version !== undefined ? { version } : {}),
      read: state,
      ...evidence,
      missingIsSkipped: env.missingIsSkipped,
      hints,
      ...(stateFix ? { keyFix: stateFix } : {}),
    }),
  );
}

/** The secret ESO reads does not exist. */
function reportMissing(input: SecretStateInput): void {
  const { field, requestPath, env } = input;
  const { pathHints, keyFix } = input.hints();
  env.collector.add(...secretStateFindings({ field, requestPath, read: { state: 'missing' }, missingIsSkipped: env.missingIsSkipped, hints: pathHints, ...(keyFix ? { keyFix } : {}) }));
}

function propertyUnverifiable({ env, field, plan, requestPath, mount }: SecretStateInput, why: string): void {
  env.collector.add(propertyNotVerifiableFinding({ field: sibling(field, 'property'), property: plan.remoteRef?.property ?? '', secretPath: requestPath, why, mount: mount.mountPath }));
}

/** The secret exists: the keys a dataFrom extract produces, and the property on its key structure. */
function checkPresentSecret(input: SecretStateInput, shape: ValueShape, envelopeShape: ValueShape, mountVersion: '1' | '2'): void {
  const { plan, vault, env } = input;
  const { collector } = env;
  const keys = plan.kind === 'extract' ? extractKeyResult(plan, shape) : undefined;
  if (keys) {
    collector.add(...secretKeyFindings(plan, keys, env.targetName ?? ''));
    if (keys.status === 'ok') env.producedKeys?.set(plan.field, keys.keys);
  }
  const property = plan.remoteRef?.property;
  if (property === undefined || property === '') return;
  const seen = vault.version === 'v1' && mountVersion === '2' ? envelopeShape : shape;
  if (plan.kind === 'extract') {
    const resolution = resolveExtractOnShape(seen, property);
    if (resolution.status === 'unknown' && hasUnknownLeaves(seen)) propertyUnverifiable(input, 'the key structure (subkeys) does not tell whether its value is an object');
    if (resolution.status === 'not_found' || resolution.status === 'not_object') collector.add(...extractPropertyFindings({ ...propertyCommon(input, property, seen), resolution }));
  } else {
    const resolution = resolvePropertyOnShape(seen, property);
    if (resolution.status === 'unknown' && hasUnknownLeaves(seen)) propertyUnverifiable(input, 'it indexes below a key whose value (an array, a JSON string or an empty map) the key structure (subkeys) does not show');
    if (resolution.status === 'not_found') collector.add(...propertyFindings({ ...propertyCommon(input, property, seen), resolution }));
  }
}

/** The key listing and the hints go into a PropertyNotFound only: not built for a property that resolves. */
function propertyCommon(input: SecretStateInput, property: string, seen: ValueShape) {
  return { field: sibling(input.field, 'property'), property, secretPath: input.requestPath, keyPaths: listKeyPaths(seen), hints: input.hints().propertyHints };
}

/**
 * A KV v2 version that was not found: the metadata (versions list) when the store's identity may
 * read it, else whether the current version exists. Undefined when Vault could not be asked (recorded).
 */
async function versionEvidence(input: SecretStateInput, at: SecretLocation): Promise<{ metadata?: KvMetadataFact | null; currentVersionExists?: true } | undefined> {
  const { vault, env, opts, field } = input;
  const { collector, facts } = env;
  const acl = input.access?.acl;
  const mayReadMetadata = acl ? isOperationAllowed(evaluateAcl(acl, metadataAclPath(at)), 'read') : true;
  if (mayReadMetadata) {
    const meta = await facts.kvMetadata(vault.server, at, opts);
    if (collector.failed(field, meta)) return undefined;
    return { metadata: meta.status === 'ok' ? meta.value : null };
  }
  const current = await facts.readSecretShape(vault.server, at, undefined, { ...opts, kvVersion: '2' });
  if (collector.failed(field, current)) return undefined;
  return current.status === 'ok' && current.value.state === 'present' ? { currentVersionExists: true } : {};
}

/**
 * KV v1 existence without reading the value: the parent folder's LIST (key names only), made only
 * when the store's identity may list it (or the operator trusts the caller). A LIST the webhook's
 * own identity may not make, or that fails, decides nothing: KV v1 listing is optional in its policy.
 */
async function kvV1Missing(server: string, at: SecretLocation, env: ReferenceCheckEnv, opts: FactOptions, acl: CompiledAcl | undefined): Promise<boolean> {
  const { folder, leaf } = parentFolder(at);
  const mayList = acl ? isOperationAllowed(evaluateAcl(acl, `${at.mount}${folder}`), 'list') : env.disclosure.secretStateForUnknownIdentity;
  if (!mayList) return false;
  const listed = await env.facts.listKeys(server, { mount: at.mount, folder, kvVersion: '1' }, opts);
  if (listed.status === 'not_found') return true;
  return listed.status === 'ok' && !listed.value.includes(leaf);
}

/** "Did you mean" sibling paths, only when the store's identity may list the parent (or operator trust). */
async function siblingHints({ vault, env, opts, mount, requestPath, plan, access }: SecretStateInput): Promise<{ hints: string[]; fix?: { value: string } }> {
  const none = { hints: [] };
  const near = siblingFolder(mount, requestPath);
  if (!near) return none;
  const acl = access?.acl;
  const mayList = acl ? isOperationAllowed(evaluateAcl(acl, near.listPath), 'list') : env.disclosure.secretStateForUnknownIdentity;
  if (!mayList) return none;
  const folder = folderLocation(mount, near.listPath);
  if (!folder) return none;
  const listed = await env.facts.listKeys(vault.server, folder, opts);
  if (listed.status !== 'ok') return none; // a sibling hint is optional: no could-not-check for it
  const names = listed.value.filter((n) => !n.endsWith('/'));
  const close = closestNames(near.leaf, names);
  if (close.length === 0) return none;
  // Suggest the key as the author wrote it, with only the last segment replaced.
  const key = plan.remoteRef?.key;
  const written = (n: string): string => (key !== undefined && key.endsWith(near.leaf) ? `${key.slice(0, key.length - near.leaf.length)}${n}` : `${near.parent}${n}`);
  const hints = [`Did you mean ${close.map((n) => `"${written(n)}"`).join(' or ')}?`];
  // The single candidate is a certain fix only when the store's identity may read it (known identity).
  const only = close.length === 1 ? close[0] : undefined;
  if (only === undefined || key === undefined || !key.endsWith(near.leaf) || !acl || !isOperationAllowed(evaluateAcl(acl, `${near.dataBase}${near.parent}${only}`), 'read')) return { hints };
  return { hints, fix: { value: written(only) } };
}
