// The double's auth mounts: role and config reads, and logins for kubernetes, jwt (role_type=jwt)
// and approle with the error strings of test/fixtures/reference/vault/auth-binding.md. Signatures are not
// verified and no TokenReview happens: any well-formed JWT whose claims satisfy the role logs in.
import type { Answer, DoubleContext } from './vault-double.js';
import { ERR_EMPTY, authConfigView, envelope, roleView, type Json, type VaultState } from './vault-double-shapes.js';
import { inNamespace } from './vault-double-shapes.js';

type AuthMount = VaultState['auth'][string];

const bad = (message: string): Answer => ({ status: 400, body: { errors: [message] } });
const denied = (message: string): Answer => ({ status: 403, body: { errors: [message] } });

function claimsOf(jwt: unknown): Json | undefined {
  if (typeof jwt !== 'string') return undefined;
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** strutil.StrListContainsGlob: exact, `prefix*`, `*suffix`, `*contains*`. */
function globContains(list: unknown, value: string): boolean {
  if (!Array.isArray(list)) return false;
  return list.some((e) => {
    if (typeof e !== 'string') return false;
    if (e === value) return true;
    if (e.length < 2) return false;
    if (e.startsWith('*') && e.endsWith('*')) return value.includes(e.slice(1, -1));
    if (e.endsWith('*')) return value.startsWith(e.slice(0, -1));
    if (e.startsWith('*')) return value.endsWith(e.slice(1));
    return false;
  });
}

function audiences(claims: Json): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return aud ? [aud] : [];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

function findRole(mount: AuthMount, name: string): Json | undefined {
  const entry = Object.entries(mount.roles ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

function policiesOf(role: Json): string[] {
  const listed = Array.isArray(role.token_policies) ? role.token_policies : Array.isArray(role.policies) ? role.policies : [];
  const names = listed.filter((p): p is string => typeof p === 'string').map((p) => p.trim().toLowerCase()).filter(Boolean);
  if (role.token_no_default_policy !== true) names.push('default');
  return [...new Set(names)].sort();
}

function issueFor(ctx: DoubleContext, mountPath: string, type: string, role: Json, meta: Record<string, string>, displayName: string): Answer {
  const ttl = typeof role.token_ttl === 'number' && role.token_ttl > 0 ? role.token_ttl : 2764800;
  const maxTtl = typeof role.token_max_ttl === 'number' ? role.token_max_ttl : 0;
  const { token, info } = ctx.issue(policiesOf(role), ttl, {
    meta, path: `auth/${mountPath}login`, displayName: `${type}-${displayName}`,
    maxExpireAtMs: maxTtl > 0 ? Date.now() + maxTtl * 1000 : 0,
  });
  return { status: 200, body: envelope(null, type, { auth: ctx.tokenBlock(token, info) }) };
}

function kubernetesLogin(ctx: DoubleContext, mountPath: string, mount: AuthMount): Answer {
  const { role: roleName, jwt } = ctx.body;
  if (typeof roleName !== 'string' || roleName === '') return bad('missing role');
  if (typeof jwt !== 'string' || jwt === '') return bad('missing jwt');
  const role = findRole(mount, roleName);
  if (!role) return bad(`invalid role name "${roleName}"`);
  const claims = claimsOf(jwt);
  if (!claims) return denied('permission denied');
  const k8s = (claims['kubernetes.io'] ?? {}) as { namespace?: string; serviceaccount?: { name?: string; uid?: string } };
  const saName = k8s.serviceaccount?.name ?? String(claims['kubernetes.io/serviceaccount/service-account.name'] ?? '');
  const saNamespace = k8s.namespace ?? String(claims['kubernetes.io/serviceaccount/namespace'] ?? '');
  const saUid = k8s.serviceaccount?.uid ?? String(claims['kubernetes.io/serviceaccount/service-account.uid'] ?? '');
  if (typeof role.audience === 'string' && role.audience !== '' && !audiences(claims).includes(role.audience)) {
    return denied('invalid audience (aud) claim: audience claim does not match any expected audience');
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 + 150_000 < Date.now()) return denied('invalid expiration time (exp) claim: token is expired');
  const names = role.bound_service_account_names;
  if (!(Array.isArray(names) && names.length === 1 && names[0] === '*') && !globContains(names, saName)) return denied('service account name not authorized');
  const namespaces = role.bound_service_account_namespaces;
  if (!(Array.isArray(namespaces) && namespaces[0] === '*') && !globContains(namespaces, saNamespace)) return denied('namespace not authorized');
  const meta = {
    role: roleName.toLowerCase(), service_account_name: saName, service_account_namespace: saNamespace,
    service_account_secret_name: '', service_account_uid: saUid,
  };
  return issueFor(ctx, mountPath, 'kubernetes', role, meta, `${saNamespace}-${saName}`);
}

function jwtLogin(ctx: DoubleContext, mountPath: string, mount: AuthMount): Answer {
  if (!mount.config) return bad('could not load configuration');
  const given = typeof ctx.body.role === 'string' && ctx.body.role !== '' ? ctx.body.role : String(mount.config.default_role ?? '');
  if (!given) return bad('missing role');
  const role = findRole(mount, given);
  if (!role) return bad(`role "${given.toLowerCase()}" could not be found`);
  if ((role.role_type ?? 'oidc') === 'oidc') return bad('role with oidc role_type is not allowed');
  if (typeof ctx.body.jwt !== 'string' || ctx.body.jwt === '') return bad('missing token');
  const claims = claimsOf(ctx.body.jwt);
  if (!claims) return bad('error validating token: malformed token');
  const bound = Array.isArray(role.bound_audiences) ? role.bound_audiences.filter((a): a is string => typeof a === 'string') : [];
  const aud = audiences(claims);
  if (bound.length > 0 && !bound.some((b) => aud.includes(b))) {
    return bad('error validating token: invalid audience (aud) claim: audience claim does not match any expected audience');
  }
  if (bound.length === 0 && aud.length > 0) return bad('audience claim found in JWT but no audiences bound to the role');
  if (typeof role.bound_subject === 'string' && role.bound_subject !== '' && claims.sub !== role.bound_subject) {
    return bad('error validating token: invalid subject (sub) claim');
  }
  const userClaim = typeof role.user_claim === 'string' ? role.user_claim : 'sub';
  const alias = claims[userClaim];
  if (alias === undefined) return bad(`claim "${userClaim}" not found in token`);
  return issueFor(ctx, mountPath, 'jwt', role, { role: given.toLowerCase() }, String(alias));
}

function approleLogin(ctx: DoubleContext, mountPath: string, mount: AuthMount): Answer {
  const { role_id: roleId, secret_id: secretId } = ctx.body;
  if (typeof roleId !== 'string' || roleId === '') return bad('missing role_id');
  const entry = Object.entries(mount.roles ?? {}).find(([name, r]) => (r.role_id ?? name) === roleId);
  if (!entry) return bad('invalid role or secret ID');
  const [name, role] = entry;
  if (role.bind_secret_id !== false) {
    if (typeof secretId !== 'string' || secretId === '') return bad('missing secret_id');
    if (typeof role.secret_id === 'string' && role.secret_id !== secretId) return bad('invalid role or secret ID');
  }
  return issueFor(ctx, mountPath, 'approle', role, { role_name: name }, 'approle');
}

export function handleAuthMount(ctx: DoubleContext): Answer {
  const { state, ns, rel, operation } = ctx;
  const sub = rel.slice('auth/'.length);
  const auths = inNamespace(state.auth, ns);
  const key = Object.keys(auths).filter((k) => `${sub}/`.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  if (!key) return { status: 404, body: { errors: [`no handler for route "${ns + rel}". route entry not found.`] } };
  const mount = auths[key] as AuthMount;
  const rest = sub.slice(key.length);
  if (rest === 'login' && operation === 'update') {
    if (mount.type === 'kubernetes') return kubernetesLogin(ctx, key, mount);
    if (mount.type === 'jwt' || mount.type === 'oidc') return jwtLogin(ctx, key, mount);
    if (mount.type === 'approle') return approleLogin(ctx, key, mount);
    return { status: 405, body: { errors: ['unsupported operation'] } };
  }
  // The plugin's path patterns: a role name holds no `/`; a path no pattern matches is "unsupported
  // path" (404), a matched path without the operation "unsupported operation" (405).
  const known = rest === 'login' || rest === 'config' || rest === 'role' || rest === 'role/' || /^role\/[^/]+$/.test(rest);
  if (!known) return { status: 404, body: { errors: ['1 error occurred:\n\t* unsupported path\n\n'] } };
  if (rest.startsWith('role/') && operation === 'read') {
    const role = findRole(mount, rest.slice('role/'.length));
    return role ? { status: 200, body: envelope(roleView(mount.type, role), mount.type) } : { status: 404, body: ERR_EMPTY };
  }
  if ((rest === 'role' || rest === 'role/') && operation === 'list') {
    const keys = Object.keys(mount.roles ?? {}).map((k) => k.toLowerCase()).sort();
    return keys.length ? { status: 200, body: envelope({ keys }, mount.type) } : { status: 404, body: ERR_EMPTY };
  }
  if (rest === 'config' && operation === 'read') {
    return mount.config ? { status: 200, body: envelope(authConfigView(mount.type, mount.config), mount.type) } : { status: 404, body: ERR_EMPTY };
  }
  return { status: 405, body: { errors: ['unsupported operation'] } };
}
