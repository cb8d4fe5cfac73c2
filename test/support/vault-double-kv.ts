// The double's secret engines: KV v2 (data with versions, soft delete, destroy, metadata, subkeys,
// LIST, config, the invalid-path catch-all) and KV v1, answering as hashicorp/vault-plugin-secrets-kv
// (and openbao builtin/logical/kv) does.
import type { Answer, DoubleContext } from './vault-double.js';
import { ERR_EMPTY, envelope, versionTimes, type Json, type VaultState } from './vault-double-shapes.js';
import { inNamespace } from './vault-double-shapes.js';

const INVALID_PATH_WARNING =
  "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.";

function noHandler(path: string): Answer {
  return { status: 404, body: { errors: [`no handler for route "${path}". route entry not found.`] } };
}

/** Direct children of `prefix` among the mount's secret paths; folders end in `/`. Empty → 404. */
function listAnswer(paths: string[], prefix: string): Answer {
  const want = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const keys = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(want) || p === want) continue;
    const rest = p.slice(want.length);
    const slash = rest.indexOf('/');
    keys.add(slash >= 0 ? rest.slice(0, slash + 1) : rest);
  }
  if (keys.size === 0) return { status: 404, body: ERR_EMPTY };
  return { status: 200, body: envelope({ keys: [...keys].sort() }, 'kv') };
}

function customMetadata(secret: VaultState['secrets'][string]): Json | null {
  const cm = secret.custom_metadata;
  return cm && Object.keys(cm).length > 0 ? { ...cm } : null;
}

function readV2Data(ctx: DoubleContext, secret: VaultState['secrets'][string] | undefined): Answer {
  if (!secret || secret.versions.length === 0) return { status: 404, body: ERR_EMPTY };
  const raw = ctx.query.get('version');
  let n = secret.versions.length;
  if (raw !== null && raw !== '' && raw !== '0') {
    if (!/^\d+$/.test(raw)) return { status: 400, body: { errors: [`error converting version: ${raw}`] } };
    n = Number(raw);
  }
  const version = secret.versions[n - 1];
  if (!version) return { status: 404, body: ERR_EMPTY };
  const times = versionTimes(version, n - 1);
  const metadata = {
    created_time: times.created, custom_metadata: customMetadata(secret), deletion_time: times.deletion,
    destroyed: version.destroyed === true, version: n,
  };
  if (version.destroyed || version.deleted) {
    // The plugin pre-marshals this 404 itself: full envelope, data.data = null, mount_type "".
    return { status: 404, body: envelope({ data: null, metadata }, '') };
  }
  return { status: 200, body: envelope({ data: structuredClone(version.data), metadata }, 'kv') };
}

/** Vault's framework.TypeInt parsing of a query parameter: absent/'' → 0, else an integer or a 400. */
function intParam(ctx: DoubleContext, name: string): number | Answer {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return 0;
  if (!/^[+-]?\d+$/.test(raw)) return { status: 400, body: { errors: [`error converting input ${raw} for field "${name}": cannot parse '' as int: strconv.ParseInt: parsing "${raw}": invalid syntax`] } };
  return Number(raw);
}

/** path_subkeys.go removeValues: non-empty maps are walked (up to `maxDepth`, 0 = no limit); every other value becomes null. */
function removeValues(input: Json, maxDepth: number, depth = 1): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(input)) {
    const isMap = v !== null && typeof v === 'object' && !Array.isArray(v);
    const deeper = depth + 1;
    out[k] = isMap && (maxDepth === 0 || deeper <= maxDepth) && Object.keys(v as Json).length > 0 ? removeValues(v as Json, maxDepth, deeper) : null;
  }
  return out;
}

/** GET <mount>/subkeys/<path>: the key tree with null leaves; 404 for missing, deleted or destroyed versions. */
function readV2Subkeys(ctx: DoubleContext, secret: VaultState['secrets'][string] | undefined): Answer {
  const depth = intParam(ctx, 'depth');
  if (typeof depth !== 'number') return depth;
  const wanted = intParam(ctx, 'version');
  if (typeof wanted !== 'number') return wanted;
  if (!secret || secret.versions.length === 0) return { status: 404, body: ERR_EMPTY };
  const n = wanted > 0 ? wanted : secret.versions.length;
  const version = secret.versions[n - 1];
  if (!version) return { status: 404, body: ERR_EMPTY };
  const times = versionTimes(version, n - 1);
  const metadata = {
    created_time: times.created, custom_metadata: customMetadata(secret), deletion_time: times.deletion,
    destroyed: version.destroyed === true, version: n,
  };
  if (version.deleted || version.destroyed) return { status: 404, body: envelope({ metadata, subkeys: null }, 'kv') };
  return { status: 200, body: envelope({ metadata, subkeys: removeValues(version.data as Json, depth) }, 'kv') };
}

function readV2Metadata(secret: VaultState['secrets'][string] | undefined): Answer {
  if (!secret || secret.versions.length === 0) return { status: 404, body: ERR_EMPTY };
  const versions: Json = {};
  secret.versions.forEach((v, i) => {
    const t = versionTimes(v, i);
    versions[String(i + 1)] = { created_time: t.created, deletion_time: t.deletion, destroyed: v.destroyed === true };
  });
  const first = versionTimes(secret.versions[0] as never, 0).created;
  const last = versionTimes(secret.versions[secret.versions.length - 1] as never, secret.versions.length - 1).created;
  return {
    status: 200,
    body: envelope({
      cas_required: secret.cas_required === true, created_time: first, current_version: secret.versions.length, custom_metadata: customMetadata(secret),
      delete_version_after: '0s', max_versions: 0, ...(secret.metadata_cas_required !== undefined ? { metadata_cas_required: secret.metadata_cas_required } : {}),
      oldest_version: 0, updated_time: last, versions,
    }, 'kv'),
  };
}

export function handleSecretMount(ctx: DoubleContext): Answer {
  const { state, ns, rel, operation } = ctx;
  const mounts = inNamespace(state.mounts, ns);
  const key = Object.keys(mounts).filter((m) => `${rel}/`.startsWith(m)).sort((a, b) => b.length - a.length)[0];
  if (!key) return noHandler(ns + rel);
  const mount = mounts[key] as VaultState['mounts'][string];
  if (mount.type !== 'kv' && mount.type !== 'generic') return { status: 405, body: { errors: ['unsupported operation'] } };
  const sub = rel.slice(key.length);
  const prefix = ns + key;
  const paths = Object.keys(state.secrets).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const secretAt = (p: string) => state.secrets[prefix + p.replace(/\/+$/, '')];

  if (mount.type === 'kv' && mount.options?.version === '2') {
    if (sub.startsWith('data/') && operation === 'read') return readV2Data(ctx, secretAt(sub.slice(5)));
    if (sub.startsWith('subkeys/') && operation === 'read') return readV2Subkeys(ctx, secretAt(sub.slice('subkeys/'.length)));
    if (sub === 'metadata' || sub.startsWith('metadata/')) {
      const path = sub.slice('metadata/'.length);
      if (operation === 'list') return listAnswer(paths, path);
      if (operation === 'read') return readV2Metadata(secretAt(path));
    }
    if (sub === 'config' && operation === 'read') {
      const c = mount.config ?? {};
      return { status: 200, body: envelope({ cas_required: c.cas_required === true, delete_version_after: '0s', max_versions: 0, ...(c.metadata_cas_required !== undefined ? { metadata_cas_required: c.metadata_cas_required } : {}) }, 'kv') };
    }
    if (operation !== 'read') return { status: 405, body: { errors: ['unsupported operation'] } };
    return { status: 404, body: envelope(null, '', { warnings: [INVALID_PATH_WARNING] }) };
  }

  // KV v1: the path is the secret; one version (the last).
  if (operation === 'list') return listAnswer(paths, sub);
  if (operation !== 'read') return { status: 405, body: { errors: ['unsupported operation'] } };
  const secret = secretAt(sub);
  const latest = secret?.versions[secret.versions.length - 1];
  if (!latest || latest.deleted || latest.destroyed) return { status: 404, body: ERR_EMPTY };
  return { status: 200, body: envelope(structuredClone(latest.data), 'kv', { lease_duration: 2764800 }) };
}
