// The one place a Vault request path is built. Every request the product sends names an endpoint
// family and the names that go into it; each name is validated the way Vault validates that kind of
// name and each segment is percent-encoded, so no name (a role `../../../apps/data/x`, a key `a?b`)
// can turn a request into one outside its family. Names Vault cannot hold are refused here: nothing
// is sent for them.

/** The kinds of names that become part of a Vault path (or the namespace header). */
export type VaultNameKind = 'role' | 'authMount' | 'kvMount' | 'policy' | 'secretPath' | 'namespace';

export interface VaultNameProblem {
  kind: VaultNameKind;
  name: string;
  /** What is wrong, e.g. `has a ".." segment`. */
  reason: string;
  /** What Vault accepts for this kind of name. */
  expected: string;
}

export class InvalidVaultNameError extends Error {
  constructor(readonly problem: VaultNameProblem) {
    super(`invalid Vault ${NAME_WORDS[problem.kind]} ${JSON.stringify(problem.name)}: ${problem.reason}`);
    this.name = 'InvalidVaultNameError';
  }
}

export const NAME_WORDS: Record<VaultNameKind, string> = {
  role: 'role name',
  authMount: 'auth mount path',
  kvMount: 'secrets engine mount path',
  policy: 'policy name',
  secretPath: 'secret path',
  namespace: 'namespace',
};

/**
 * Vault's role names (sdk/framework GenericNameRegex, used by the kubernetes and jwt auth methods'
 * `role/<name>` routes): ASCII letters, digits and `_`, with `-` and `.` inside.
 */
const ROLE_NAME = /^[0-9A-Za-z_](?:[0-9A-Za-z_.-]*[0-9A-Za-z_])?$/;
// C0, DEL and C1 controls; Vault refuses non-printable characters in mount paths.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Non-empty "/"-separated segments without "?", "#" or control characters (what segmentProblem accepts, "." aside). */
// eslint-disable-next-line no-control-regex
const PLAIN_SEGMENTS = /^[^/?#\u0000-\u001f\u007f-\u009f]+(?:\/[^/?#\u0000-\u001f\u007f-\u009f]+)*$/;

const EXPECTED: Record<VaultNameKind, string> = {
  role: 'a Vault role name (ASCII letters, digits and "_", with "-" and "." allowed inside)',
  authMount: 'an auth mount path of "/"-separated names (no "." or ".." segment, no "?", "#" or control character)',
  kvMount: 'a mount path of "/"-separated names (no "." or ".." segment, no "?", "#" or control character)',
  policy: 'a policy name (no "." or ".." segment, no "?", "#" or control character)',
  secretPath: 'a secret path of "/"-separated names (no "." or ".." segment, no "?", "#" or control character)',
  namespace: 'a namespace path of "/"-separated names (no "." or ".." segment, no space, "+", "*", "?", "#" or control character)',
};

function problem(kind: VaultNameKind, name: string, reason: string): VaultNameProblem {
  return { kind, name, reason, expected: EXPECTED[kind] };
}

/** Segment rules shared by every `/`-separated name; `allowEmpty` for a LIST folder ending in `/`. */
function segmentProblem(kind: VaultNameKind, name: string, segments: string[]): VaultNameProblem | undefined {
  for (const s of segments) {
    if (s === '') return problem(kind, name, 'has an empty segment ("//" or a leading or trailing "/")');
    if (s === '.' || s === '..') return problem(kind, name, `has a "${s}" segment`);
  }
  if (name.includes('?')) return problem(kind, name, 'contains "?"');
  if (name.includes('#')) return problem(kind, name, 'contains "#"');
  if (CONTROL.test(name)) return problem(kind, name, 'contains a control character');
  return undefined;
}

/** Why Vault could not hold `name` as a name of this kind, or undefined when it could. */
export function vaultNameProblem(kind: VaultNameKind, name: string): VaultNameProblem | undefined {
  if (name === '') return problem(kind, name, 'is empty');
  switch (kind) {
    case 'role':
      return ROLE_NAME.test(name) ? undefined : problem(kind, name, 'has characters a Vault role name cannot have');
    case 'namespace': {
      const bad = segmentProblem(kind, name, name.replace(/^\/+|\/+$/g, '').split('/'));
      if (bad) return bad;
      if (/[\s+*]/u.test(name)) return problem(kind, name, 'contains a space, "+" or "*"');
      return undefined;
    }
    case 'authMount':
    case 'kvMount':
      // Vault lists mounts with a trailing "/": accept that one.
      return segmentProblem(kind, name, name.replace(/\/$/, '').split('/'));
    case 'policy':
    case 'secretPath':
      // Most names have no "." at all (so no "." or ".." segment) and pass the other rules in one test.
      if (!name.includes('.') && PLAIN_SEGMENTS.test(name)) return undefined;
      return segmentProblem(kind, name, name.split('/'));
  }
}

/** A folder to LIST: '' (the mount's root) or a secret path ending in `/`. */
function folderProblem(folder: string): VaultNameProblem | undefined {
  if (folder === '') return undefined;
  if (!folder.endsWith('/')) return problem('secretPath', folder, 'is a folder that does not end in "/"');
  return vaultNameProblem('secretPath', folder.slice(0, -1));
}

/** Every request the product makes, by endpoint family and the names that go into it. */
export type VaultEndpoint =
  | { family: 'sys.health' }
  | { family: 'sys.mounts' }
  | { family: 'sys.auth' }
  /** The mount serving a secret path (Vault CLI's KV preflight). */
  | { family: 'sys.internal.ui.mounts'; secretPath: string }
  | { family: 'sys.policies.acl'; name: string }
  | { family: 'auth.token.lookup-self' }
  | { family: 'auth.token.renew-self' }
  | { family: 'auth.login'; method: 'kubernetes' | 'jwt' | 'approle'; mount: string }
  | { family: 'auth.role'; mount: string; role: string }
  | { family: 'auth.config'; mount: string }
  | { family: 'kv2.metadata'; mount: string; secretPath: string }
  /** KV v2 engine config (`cas_required`, OpenBao `metadata_cas_required`). */
  | { family: 'kv2.config'; mount: string }
  | { family: 'kv2.subkeys'; mount: string; secretPath: string; version?: string }
  | { family: 'kv2.data'; mount: string; secretPath: string; version?: string }
  | { family: 'kv1.data'; mount: string; secretPath: string }
  /** LIST of a folder: KV v2 under `<mount>/metadata/`, KV v1 under the mount itself. */
  | { family: 'kv.list'; kvVersion: '1' | '2'; mount: string; folder: string };

export interface BuiltVaultRequest {
  /** Metric label and request counter key: the family (login: per method), never a name. */
  endpoint: string;
  method: 'GET' | 'POST';
  /** Logical path as Vault's router and ACL see it (`kv/dev/subkeys/app`), for messages and logs. */
  path: string;
  /** The same path with every segment percent-encoded, as sent after `/v1/`. */
  encodedPath: string;
  query?: Record<string, string>;
}

const trimMount = (mount: string): string => mount.replace(/\/$/, '');

function need(kind: VaultNameKind, name: string): void {
  const bad = vaultNameProblem(kind, name);
  if (bad) throw new InvalidVaultNameError(bad);
}

function needFolder(folder: string): void {
  const bad = folderProblem(folder);
  if (bad) throw new InvalidVaultNameError(bad);
}

/** A secret version as ESO passes it (`?version=`); Vault parses it as an integer. */
function versionQuery(version: string | undefined): Record<string, string> | undefined {
  if (version === undefined) return undefined;
  if (CONTROL.test(version)) throw new InvalidVaultNameError(problem('secretPath', version, 'has a version with a control character'));
  return { version };
}

function built(endpoint: string, method: 'GET' | 'POST', segments: string[], query?: Record<string, string>): BuiltVaultRequest {
  const path = segments.join('/');
  const encodedPath = segments.map((s) => s.split('/').map(encodeURIComponent).join('/')).join('/');
  return { endpoint, method, path, encodedPath, ...(query ? { query } : {}) };
}

/**
 * Builds the request for one endpoint. Throws InvalidVaultNameError when a name is not one Vault
 * could hold; nothing may be sent then.
 */
export function buildVaultRequest(e: VaultEndpoint): BuiltVaultRequest {
  switch (e.family) {
    case 'sys.health': return built(e.family, 'GET', ['sys', 'health']);
    case 'sys.mounts': return built(e.family, 'GET', ['sys', 'mounts']);
    case 'sys.auth': return built(e.family, 'GET', ['sys', 'auth']);
    case 'sys.internal.ui.mounts':
      need('secretPath', e.secretPath);
      return built(e.family, 'GET', ['sys/internal/ui/mounts', e.secretPath]);
    case 'sys.policies.acl':
      need('policy', e.name);
      return built(e.family, 'GET', ['sys/policies/acl', e.name]);
    case 'auth.token.lookup-self': return built(e.family, 'GET', ['auth/token/lookup-self']);
    case 'auth.token.renew-self': return built(e.family, 'POST', ['auth/token/renew-self']);
    case 'auth.login':
      need('authMount', e.mount);
      return built(`auth.${e.method}.login`, 'POST', ['auth', trimMount(e.mount), 'login']);
    case 'auth.role':
      need('authMount', e.mount);
      need('role', e.role);
      return built(e.family, 'GET', ['auth', trimMount(e.mount), 'role', e.role]);
    case 'auth.config':
      need('authMount', e.mount);
      return built(e.family, 'GET', ['auth', trimMount(e.mount), 'config']);
    case 'kv2.config':
      need('kvMount', e.mount);
      return built(e.family, 'GET', [trimMount(e.mount), 'config']);
    case 'kv2.metadata':
      need('kvMount', e.mount);
      need('secretPath', e.secretPath);
      return built(e.family, 'GET', [trimMount(e.mount), 'metadata', e.secretPath]);
    case 'kv2.subkeys':
      need('kvMount', e.mount);
      need('secretPath', e.secretPath);
      return built(e.family, 'GET', [trimMount(e.mount), 'subkeys', e.secretPath], versionQuery(e.version));
    case 'kv2.data':
      need('kvMount', e.mount);
      need('secretPath', e.secretPath);
      return built(e.family, 'GET', [trimMount(e.mount), 'data', e.secretPath], versionQuery(e.version));
    case 'kv1.data':
      need('kvMount', e.mount);
      need('secretPath', e.secretPath);
      return built(e.family, 'GET', [trimMount(e.mount), e.secretPath]);
    case 'kv.list': {
      need('kvMount', e.mount);
      needFolder(e.folder);
      // Vault's ACL sees a LIST path with a trailing "/" (Vault appends it to the request's path).
      const base = e.kvVersion === '2' ? [trimMount(e.mount), 'metadata'] : [trimMount(e.mount)];
      const segments = e.folder === '' ? base : [...base, e.folder.slice(0, -1)];
      const req = built(e.family, 'GET', segments, { list: 'true' });
      return { ...req, path: `${req.path}/` };
    }
  }
}

/** Validates the namespace header value; throws like buildVaultRequest. */
export function checkedNamespace(namespace: string | undefined): string | undefined {
  if (namespace === undefined || namespace === '') return undefined;
  need('namespace', namespace);
  return namespace;
}
