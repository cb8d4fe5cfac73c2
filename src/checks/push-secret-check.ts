// PushSecret: per store and spec.data[] entry, what ESO's Vault provider does when it pushes
// (providers/v1/vault/client_push.go PushSecret / DeleteSecret): read the current data; when it
// exists, read its metadata and refuse a secret without the managed-by marker ("secret not managed
// by external-secrets"); write the metadata marker (KV v2) and the data (create when new, update
// when it exists); with deletionPolicy Delete, delete data and metadata when the entry goes.
// Store binding and login are checked as for an ExternalSecret; existence and the marker are read
// only where the store's own identity may read them (no oracle).
import { secretLocation } from './kv-location.js';
import { planIdentity, resolveStore, type StoreLookup } from '../eso/index.js';
import { DEFAULT_CONTROLLER_CLASS } from '../eso/plan.js';
import { parsePushSecret, pushPaths } from '../eso/push-secret.js';
import { ERR_AUTH_FORMAT } from '../eso/parse-vault.js';
import { secretNamespace } from '../eso/vault-namespaces.js';
import { evaluateAcl, isOperationAllowed, suggestStanza, type Operation } from '../vault/acl/index.js';
import type { FactOptions } from '../vault/facts.js';
import { metadataValueDigest } from '../vault/metadata-digest.js';
import type { Finding } from './finding.js';
import { describeStore, quoteList } from './rules/describe.js';
import { notVerifiableIdentityFinding } from './rules/store-config.js';
import { storeResolutionFindings } from './rules/store-resolution.js';
import { resolveStoreAccess, storeLabel } from './store-access.js';
import type { StoreCheckEnv } from './store-check.js';

const MANAGED_BY = 'external-secrets';

export async function checkPushSecret(obj: Record<string, unknown>, env: StoreCheckEnv & { lookup: StoreLookup }): Promise<void> {
  const { collector, facts } = env;
  const ps = parsePushSecret(obj);
  for (const ref of ps.storeRefs) {
    if (ref.labelSelector) {
      collector.add({ code: 'NotVerifiable', severity: 'info', field: `${ref.field}.labelSelector`, message: 'Stores chosen by labelSelector are not resolved here; the pushes through them were not checked.' });
      continue;
    }
    const resolved = resolveStore(ref, ps.namespace, env.lookup);
    collector.add(...storeResolutionFindings(resolved.problems));
    const store = resolved.store;
    if (!store || resolved.problems.length > 0 || store.provider.type !== 'vault') continue;
    if (store.controller !== undefined && store.controller !== '' && store.controller !== DEFAULT_CONTROLLER_CLASS) continue;
    const vault = store.provider.vault;
    if (vault.authEmpty) {
      collector.add({ code: 'MalformedReference', severity: 'error', field: ref.field, message: `${describeStore(storeLabel(store))} sets spec.provider.vault.auth with no method; ESO fails every push with "${ERR_AUTH_FORMAT}".` });
      continue;
    }
    const ns = secretNamespace(vault);
    const opts: FactOptions = { ...env.opts, ...(ns ? { namespace: ns } : {}) };
    const identity = planIdentity(store, ps.namespace, env.lookup.controllerServiceAccount);
    const access = await resolveStoreAccess({
      store, vault, identity, reportField: ref.field, facts, lookup: env.lookup, opts, defaultAudiences: env.defaultAudiences, disclosure: env.disclosure, collector,
      ...(env.tokenReviews ? { tokenReviews: env.tokenReviews } : {}),
    });
    if (access.status === 'unavailable' || access.status === 'blocked') continue;
    if (access.status === 'unknown-identity') {
      collector.add(notVerifiableIdentityFinding({ store: storeLabel(store), identity: access.reason ? { ...identity, notVerifiableReason: access.reason } : identity, field: ref.field, consequence: 'what the pushes may write cannot be checked' }));
      continue;
    }
    const prefix = access.acl.pathPrefix ?? '';
    const denied = (field: string, path: string, op: Operation, why: string, severity: Finding['severity'] = 'error'): Finding => ({
      code: 'PolicyDenied',
      severity,
      field,
      message: `${describeStore(storeLabel(store))} logs in as role "${access.roleName}" (policies ${quoteList(access.policyNames)}), which may not ${op} ${path}; ${why}`,
      hint: `Add to a policy of role "${access.roleName}": ${suggestStanza(`${prefix}${path}`, op)}`,
    });
    const may = (path: string, op: Operation): boolean => isOperationAllowed(evaluateAcl(access.acl, path), op);
    for (const entry of ps.data) {
      const field = `${entry.field}.match.remoteRef.remoteKey`;
      const paths = pushPaths(vault, entry.remoteKey);
      if ('error' in paths) {
        collector.add({ code: 'MalformedReference', severity: 'error', field, message: `ESO cannot build the metadata path of "${entry.remoteKey}" and fails the push with "${paths.error}".`, hint: 'Set spec.provider.vault.path to the KV mount.' });
        continue;
      }
      // 1. ESO reads the current secret first (readSecret); a 403 fails the push.
      if (!may(paths.data, 'read')) {
        collector.add(denied(field, paths.data, 'read', 'ESO reads the current secret before every push (client_push.go), so the push fails with 403.'));
        continue;
      }
      // 2. Does it exist, and does it carry ESO's marker? Asked only as far as the identity may read.
      let exists: boolean | undefined;
      let managed: boolean | undefined;
      // The webhook's own requests are built from the mount and the path below it (request-path.ts).
      const mountFact = paths.metadata !== undefined ? await facts.mountForPath(vault.server, paths.data, opts) : undefined;
      if (mountFact !== undefined && collector.failed(field, mountFact)) continue;
      const mount = mountFact?.status === 'ok' ? mountFact.value : undefined;
      const metaAt = mount && paths.metadata !== undefined ? secretLocation(mount, paths.metadata, 'metadata') : undefined;
      const dataAt = mount ? secretLocation(mount, paths.data, 'data') : undefined;
      if (paths.metadata !== undefined && metaAt !== undefined && dataAt !== undefined) {
        if (may(paths.metadata, 'read')) {
          const meta = await facts.kvMetadata(vault.server, metaAt, opts);
          if (collector.failed(field, meta)) continue;
          if (meta.status === 'not_found') exists = false;
          else if (meta.status === 'ok') {
            const versions = Object.values(meta.value.versions);
            const current = meta.value.versions[String(meta.value.currentVersion)];
            exists = versions.length > 0 && current !== undefined && current.deletionTime === '' && !current.destroyed;
            managed = meta.value.customMetadataDigests?.['managed-by'] === metadataValueDigest(MANAGED_BY);
          }
        } else {
          const read = await facts.readSecretShape(vault.server, dataAt, undefined, { ...opts, kvVersion: '2' });
          if (collector.failed(field, read)) continue;
          exists = read.status === 'ok' && read.value.state === 'present';
          if (exists) {
            collector.add(denied(field, paths.metadata, 'read', 'the secret exists, and ESO reads its metadata to find its managed-by marker before pushing, so the push fails with 403.'));
            continue;
          }
        }
      }
      if (exists === true && managed === false) {
        collector.add({
          code: 'SecretNotManaged',
          severity: 'error',
          field,
          message: `${paths.data} exists without ESO's marker (custom_metadata managed-by=external-secrets); ESO refuses to overwrite it with "secret not managed by external-secrets".`,
          hint: `Push to another remoteKey, or (if ESO should own it) set the marker: vault kv metadata put -custom-metadata=managed-by=external-secrets <path>.`,
        });
        continue;
      }
      // 3. Writes: the KV v2 metadata marker, then the data; create for a new secret, update for an existing one.
      const op: Operation = exists === true ? 'update' : 'create';
      const what = exists === true ? 'the secret exists, so ESO\'s write needs update' : 'the secret does not exist yet, so ESO\'s first write needs create';
      if (paths.metadata !== undefined && !may(paths.metadata, op)) {
        collector.add(denied(field, paths.metadata, op, `ESO writes the managed-by marker to the metadata before the data (client_push.go); ${what}.`));
      }
      if (!may(paths.data, op)) collector.add(denied(field, paths.data, op, `ESO writes the data there; ${what}.`));
      // 4. deletionPolicy Delete: the delete when the entry or the PushSecret goes.
      if (ps.deletionPolicy === 'Delete') {
        const del = entry.property !== undefined ? [{ path: paths.data, op: 'update' as Operation }] : [{ path: paths.data, op: 'delete' as Operation }, ...(paths.metadata ? [{ path: paths.metadata, op: 'delete' as Operation }] : [])];
        for (const d of del) {
          if (!may(d.path, d.op)) {
            collector.add(denied(`spec.deletionPolicy`, d.path, d.op, `with deletionPolicy: Delete ESO ${d.op === 'delete' ? 'deletes' : 'rewrites'} it when the entry is removed (client_push.go DeleteSecret), which would fail and keep the PushSecret's finalizer.`, 'warning'));
          }
        }
      }
    }
  }
}
