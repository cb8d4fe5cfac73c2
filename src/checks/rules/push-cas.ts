// Check-and-set on a PushSecret's KV v2 writes, as ESO v2.9.0 sends it and Vault/OpenBao judge it.
// ESO (providers/v1/vault/client_push.go PushSecret/getCASVersion) adds `options.cas` to the data
// write only with the store's `checkAndSet.required`: 0 when its readSecret found no secret (also a
// secret whose current version is deleted or destroyed: the read is a 404), else the metadata's
// `current_version`. Vault's KV v2 (validateCheckAndSetOption) refuses a write without `cas` when
// the mount config or the secret's metadata has `cas_required`, and a `cas` other than the current
// version. OpenBao's `metadata_cas_required` refuses ESO's metadata write (it sends no
// `metadata_cas`). Only what the store's identity read (the secret's metadata) is used here.
import type { VaultProviderModel } from '../../eso/model.js';
import type { KvMetadataFact } from '../../vault/facts.js';

export interface CasProblem {
  /** Vault's refusal, word for word. */
  vault: string;
  /** What ESO does that meets it. */
  message: string;
  hint: string;
}

/** The write of `path` (metadata path `metaPath`) ESO makes, judged against the secret's metadata. */
export function casProblems(vault: VaultProviderModel, meta: KvMetadataFact, paths: { data: string; metadata: string }, remoteKey: string): CasProblem[] {
  if (vault.version !== 'v2') return [];
  const out: CasProblem[] = [];
  const current = meta.versions[String(meta.currentVersion)];
  // readSecret's view: a 404 (no version, or the current one deleted/destroyed) is "no secret".
  const esoSeesSecret = meta.currentVersion > 0 && current !== undefined && current.deletionTime === '' && !current.destroyed;
  if (meta.metadataCasRequired === true) {
    out.push({
      vault: 'metadata check-and-set parameter required for this call',
      message: `${paths.metadata} has metadata_cas_required, and ESO writes its managed-by marker there without "metadata_cas" before every push`,
      hint: `Turn it off for this secret (bao kv metadata put -metadata-cas-required=false ${remoteKey} on the store's mount), or push to another remoteKey.`,
    });
  }
  if (!vault.checkAndSetRequired) {
    if (meta.casRequired === true) {
      out.push({
        vault: 'check-and-set parameter required for this call',
        message: `${paths.metadata} has cas_required, and the store does not set spec.provider.vault.checkAndSet.required, so ESO writes ${paths.data} without "cas"`,
        hint: 'Set spec.provider.vault.checkAndSet.required: true on the store (ESO then sends the current version as "cas"), or turn cas_required off for this secret.',
      });
    }
  } else if (!esoSeesSecret && meta.currentVersion > 0) {
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
