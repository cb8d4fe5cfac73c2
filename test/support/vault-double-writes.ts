// The double's write endpoints, for the `sandbox seed` tests: enable secret engines and auth
// methods, write auth config and roles, ACL policies, KV v2 versions (with soft delete, destroy and
// custom metadata) and KV v1 secrets, with Vault's statuses. The ACL check runs before (as in Vault).
import type { Answer, DoubleContext } from './vault-double.js';
import { envelope, hex8, inNamespace, versionTimes, type Json } from './vault-double-shapes.js';

const bad = (message: string): Answer => ({ status: 400, body: { errors: [message] } });
const noContent: Answer = { status: 204 };

function versionsOf(body: Json): number[] | undefined {
  const v = body.versions;
  return Array.isArray(v) && v.every((n) => Number.isInteger(n)) ? (v as number[]) : undefined;
}

/** An answer for a write it knows, undefined otherwise (the read routes then answer). */
export function handleWrite(ctx: DoubleContext): Answer | undefined {
  const { state, ns, rel, body } = ctx;
  if (ctx.operation !== 'update') return undefined;
  const sysMount = /^sys\/(mounts|auth)\/(.+?)\/?$/.exec(rel);
  if (sysMount) {
    const path = `${ns}${sysMount[2]}/`;
    const table = sysMount[1] === 'mounts' ? state.mounts : state.auth;
    if (table[path]) return bad(`path is already in use at ${sysMount[2]}/`);
    if (typeof body.type !== 'string' || body.type === '') return bad('missing type');
    if (sysMount[1] === 'mounts') state.mounts[path] = { type: body.type, options: (body.options as Record<string, string> | undefined) ?? null };
    else state.auth[path] = { type: body.type, accessor: `auth_${body.type}_${hex8(path)}`, config: {}, roles: {} };
    return noContent;
  }
  const policy = /^sys\/policies\/acl\/(.+)$/.exec(rel);
  if (policy) {
    if (typeof body.policy !== 'string') return bad("'policy' parameter not supplied or empty");
    state.policies[policy[1]!.toLowerCase()] = body.policy;
    return noContent;
  }
  const auth = /^auth\/(.+?\/)(config|role\/([^/]+))$/.exec(rel);
  if (auth && state.auth[ns + auth[1]!]) {
    const mount = state.auth[ns + auth[1]!]!;
    if (auth[2] === 'config') mount.config = { ...body };
    else (mount.roles ??= {})[auth[3]!] = { ...body };
    return noContent;
  }
  const mounts = inNamespace(state.mounts, ns);
  const key = Object.keys(mounts).filter((m) => `${rel}/`.startsWith(m)).sort((a, b) => b.length - a.length)[0];
  if (!key) return undefined;
  const sub = rel.slice(key.length);
  const prefix = ns + key;
  if (mounts[key]!.type === 'kv' && mounts[key]!.options?.version === '2') {
    const op = /^(data|delete|destroy|metadata)\/(.+)$/.exec(sub);
    if (!op) return undefined;
    const secretKey = prefix + op[2]!;
    if (op[1] === 'data') {
      if (!body.data || typeof body.data !== 'object') return bad('no data provided');
      const secret = (state.secrets[secretKey] ??= { versions: [] });
      secret.versions.push({ data: structuredClone(body.data as Json) });
      const n = secret.versions.length;
      const t = versionTimes(secret.versions[n - 1]!, n - 1);
      return { status: 200, body: envelope({ created_time: t.created, custom_metadata: secret.custom_metadata ?? null, deletion_time: '', destroyed: false, version: n }, 'kv') };
    }
    const secret = state.secrets[secretKey];
    if (op[1] === 'metadata') {
      const target = (state.secrets[secretKey] ??= { versions: [] });
      if (body.custom_metadata && typeof body.custom_metadata === 'object') target.custom_metadata = { ...(body.custom_metadata as Record<string, string>) };
      return noContent;
    }
    const versions = versionsOf(body);
    if (!versions || versions.length === 0) return bad('no version number provided');
    for (const n of versions) {
      const v = secret?.versions[n - 1];
      if (!v) continue;
      if (op[1] === 'delete') v.deleted = true;
      else v.destroyed = true;
    }
    return noContent;
  }
  if (sub === '') return undefined;
  state.secrets[prefix + sub] = { versions: [{ data: structuredClone(body) }] };
  return noContent;
}
