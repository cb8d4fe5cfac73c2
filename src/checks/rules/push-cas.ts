// Check-and-set on a PushSecret's KV v2 writes, as ESO v2.9.0 sends it and Vault/OpenBao judge it.
// ESO (providers/v1/vault/client_push.go PushSecret/getCASVersion) adds `options.cas` to the data
// write only with the store's `checkAndSet.required`: 0 when its readSecret found no secret (also a
// secret whose current version is deleted or destroyed: the read is a 404), else the metadata's
// `current_version`. KV v2 (builtin/logical/kv path_data.go validateCheckAndSetOption) refuses a
// write without `cas` when the engine's config or the secret's metadata has `cas_required`, and a
// `cas` other than the current version. OpenBao's `metadata_cas_required` (engine config or the
// secret's metadata; path_metadata.go) refuses ESO's metadata write, which sends no `metadata_cas`.
import type { VaultProviderModel } from '../../eso/model.js';
import type { KvConfigFact, KvMetadataFact } from '../../vault/facts.js';

export interface CasProblem {
  /** Vault's refusal, word for word. */
  vault: string;
  /** What ESO does that meets it. */
  message: string;
  hint: string;
}

export interface CasFacts {
  /** The secret's metadata, where the store's role read it. */
  meta?: KvMetadataFact;
  /** The engine's config (`<mount>/config`), where the webhook could read it. */
  config?: KvConfigFact;
  /** The mount as Vault lists it (`kv/`), for the engine config's path. */
  mountPath?: string;
}

/** The writes ESO makes for one push (data path, metadata path), judged against what is known. */
export function casProblems(vault: VaultProviderModel, facts: CasFacts, paths: { data: string; metadata: string }, remoteKey: string): CasProblem[] {
  if (vault.version !== 'v2') return [];
  const { meta, config } = facts;
  const configPath = `${facts.mountPath ?? ''}config`;
  const out: CasProblem[] = [];
  if (meta?.metadataCasRequired === true || config?.metadataCasRequired === true) {
    const where = meta?.metadataCasRequired === true ? `${paths.metadata} has metadata_cas_required` : `the engine config ${configPath} sets metadata_cas_required`;
    out.push({
      vault: 'metadata check-and-set parameter required for this call',
      message: `${where}, and ESO writes its managed-by marker to ${paths.metadata} without "metadata_cas" before every push`,
      hint: meta?.metadataCasRequired === true
        ? `Turn it off for this secret (bao kv metadata put -metadata-cas-required=false ${remoteKey} on the store's mount), or push to another remoteKey.`
        : `Turn metadata_cas_required off in ${configPath}, or push through a mount without it.`,
    });
  }
  if (!vault.checkAndSetRequired) {
    if (meta?.casRequired === true || config?.casRequired === true) {
      const where = meta?.casRequired === true ? `${paths.metadata} has cas_required` : `the engine config ${configPath} sets cas_required`;
      out.push({
        vault: 'check-and-set parameter required for this call',
        message: `${where}, and the store does not set spec.provider.vault.checkAndSet.required, so ESO writes ${paths.data} without "cas"`,
        hint: `Set spec.provider.vault.checkAndSet.required: true on the store (ESO then sends the current version as "cas")${meta?.casRequired === true ? ', or turn cas_required off for this secret' : ''}.`,
      });
    }
    return out;
  }
  if (!meta) return out;
  const current = meta.versions[String(meta.currentVersion)];
  // readSecret's view: a 404 (no version, or the current one deleted/destroyed) is "no secret".
  const esoSeesSecret = meta.currentVersion > 0 && current !== undefined && current.deletionTime === '' && !current.destroyed;
  if (!esoSeesSecret && meta.currentVersion > 0) {
    const state = current?.destroyed ? 'destroyed' : 'deleted';
    out.push({
      vault: 'check-and-set parameter did not match the current version',
      message: `the current version (${meta.currentVersion}) of ${paths.data} is ${state}, so ESO's read finds no secret and, with checkAndSet.required, sends "cas": 0, which is not the current version`,
      hint: current?.destroyed
        ? `Delete the secret's metadata (vault kv metadata delete ${remoteKey} on the store's mount) so it starts anew, or push to another remoteKey.`
        : `Undelete version ${meta.currentVersion} (vault kv undelete -versions=${meta.currentVersion} ${remoteKey} on the store's mount), delete the secret's metadata so it starts anew, or push to another remoteKey.`,
    });
  }
  return out;
}
