// `sandbox seed`: writes a vault-state.json (examples/*/vault-state.json, the format of
// shared/examples/README.md) into a real Vault or OpenBao through its HTTP API, so a user can build
// the same sandbox the examples and the end-to-end suite run against. It only adds: mounts that
// exist with the same type are kept, everything else is created or overwritten.
//
// Auth mount accessors are chosen by the server, not by the state file; policy text that names the
// state's accessor (identity templating) is rewritten to the real one.
import { vaultNameProblem } from '../vault/request-path.js';
import { VaultTransport, type VaultHttpResult } from '../vault/transport.js';

export interface SeedSecretVersion {
  data: Record<string, unknown>;
  deleted?: boolean;
  destroyed?: boolean;
}

export interface SeedState {
  server?: string;
  mounts?: Record<string, { type: string; options?: Record<string, string> | null; description?: string }>;
  auth?: Record<string, { type: string; accessor?: string; config?: Record<string, unknown>; roles?: Record<string, Record<string, unknown>> }>;
  policies?: Record<string, string>;
  secrets?: Record<string, { versions: SeedSecretVersion[]; custom_metadata?: Record<string, string> }>;
}

export interface SeedOptions {
  /** Where to connect (http(s)://host:port). */
  address: string;
  /** A token allowed to write sys/mounts, sys/auth, sys/policies and the mounts' data (root in a dev server). */
  token: string;
  namespace?: string;
  caFile?: string;
  /** Replaces keys of an auth mount's config before writing (`kubernetes/` → { kubernetes_host: … }). */
  authConfigOverrides?: Record<string, Record<string, unknown>>;
  /** One line per step (no secret values). */
  progress?: (line: string) => void;
  timeoutMs?: number;
}

export interface SeedResult {
  mounts: string[];
  authMounts: { path: string; accessor: string }[];
  policies: string[];
  roles: string[];
  secrets: { path: string; versions: number }[];
  /** State accessor → the server's accessor. */
  accessors: Record<string, string>;
}

export class SeedError extends Error {}

const withSlash = (p: string) => (p.endsWith('/') ? p : `${p}/`);

/** Vault error bodies are `{errors: [...]}`; anything else is summarised by status only. */
function errorText(result: VaultHttpResult): string {
  if (result.kind !== 'answer') return result.detail;
  const errors = (result.body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) && errors.length > 0 ? `HTTP ${result.status}: ${errors.map(String).join('; ').replace(/\s+/g, ' ').trim()}` : `HTTP ${result.status}`;
}

/** The mount of a secret key: the longest mount path that prefixes it. */
function mountOf(key: string, mounts: string[]): { mount: string; rel: string } {
  const mount = mounts.filter((m) => key.startsWith(m)).sort((a, b) => b.length - a.length)[0];
  if (!mount) throw new SeedError(`secret "${key}" lies under no mount of the state (${mounts.join(', ')})`);
  return { mount, rel: key.slice(mount.length) };
}

export async function seedVault(state: SeedState, opts: SeedOptions): Promise<SeedResult> {
  const transport = new VaultTransport({ url: opts.address, ...(opts.caFile ? { caFile: opts.caFile } : {}), login: { method: 'token', tokenFile: '-' } });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const say = opts.progress ?? (() => undefined);
  const call = async (method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<unknown> => {
    // The state file is the operator's, but its names still become URL paths: same rules as every request.
    const bad = vaultNameProblem('secretPath', path);
    if (bad) throw new SeedError(`${method} ${path}: ${bad.reason}`);
    const encodedPath = path.split('/').map(encodeURIComponent).join('/');
    const result = await transport.send({ method, encodedPath, token: opts.token, timeoutMs, ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(body ? { body } : {}) });
    if (result.kind !== 'answer' || result.status >= 300) throw new SeedError(`${method} ${path}: ${errorText(result)}`);
    return result.body;
  };
  const result: SeedResult = { mounts: [], authMounts: [], policies: [], roles: [], secrets: [], accessors: {} };
  try {
    // Secret engines: keep a mount of the same type (a dev server's secret/ is already KV v2).
    const existing = ((await call('GET', 'sys/mounts')) as { data?: Record<string, { type?: string; options?: Record<string, string> | null }> }).data ?? {};
    const kvVersion: Record<string, string> = {};
    for (const [rawPath, mount] of Object.entries(state.mounts ?? {})) {
      const path = withSlash(rawPath);
      const options = mount.options ?? {};
      const have = existing[path];
      if (mount.type === 'kv') kvVersion[path] = options.version === '2' ? '2' : '1';
      if (have && have.type === mount.type && (have.options?.version ?? '1') === (options.version ?? '1')) {
        say(`mount ${path} (${mount.type}${options.version ? ` v${options.version}` : ''}) already there`);
      } else {
        if (have) throw new SeedError(`mount ${path} exists as ${have.type}${have.options?.version ? ` v${have.options.version}` : ''}, the state wants ${mount.type}${options.version ? ` v${options.version}` : ''}; disable it first`);
        await call('POST', `sys/mounts/${path.slice(0, -1)}`, { type: mount.type, options, ...(mount.description ? { description: mount.description } : {}) });
        say(`mount ${path} (${mount.type}${options.version ? ` v${options.version}` : ''}) enabled`);
      }
      result.mounts.push(path);
    }

    // Auth methods, their config and roles.
    const authNow = async () => ((await call('GET', 'sys/auth')) as { data?: Record<string, { type?: string; accessor?: string }> }).data ?? {};
    let auths = await authNow();
    for (const [rawPath, auth] of Object.entries(state.auth ?? {})) {
      const path = withSlash(rawPath);
      if (!auths[path]) {
        await call('POST', `sys/auth/${path.slice(0, -1)}`, { type: auth.type });
        auths = await authNow();
      } else if (auths[path]!.type !== auth.type) {
        throw new SeedError(`auth mount ${path} exists as ${auths[path]!.type}, the state wants ${auth.type}; disable it first`);
      }
      const accessor = auths[path]!.accessor ?? '';
      if (auth.accessor && accessor) result.accessors[auth.accessor] = accessor;
      result.authMounts.push({ path, accessor });
      say(`auth ${path} (${auth.type}) accessor ${accessor}`);
      const config = { ...(auth.config ?? {}), ...(opts.authConfigOverrides?.[path] ?? opts.authConfigOverrides?.[path.slice(0, -1)] ?? {}) };
      if (Object.keys(config).length > 0) {
        await call('POST', `auth/${path}config`, config);
        say(`auth ${path} config written (${Object.keys(config).sort().join(', ')})`);
      }
      for (const [role, fields] of Object.entries(auth.roles ?? {})) {
        await call('POST', `auth/${path}role/${role}`, fields);
        result.roles.push(`${path}${role}`);
        say(`role ${path}role/${role}`);
      }
    }

    // Policies, with the state's accessors replaced by the server's.
    for (const [name, text] of Object.entries(state.policies ?? {})) {
      let policy = text;
      for (const [from, to] of Object.entries(result.accessors)) policy = policy.split(from).join(to);
      await call('POST', `sys/policies/acl/${name}`, { policy });
      result.policies.push(name);
      say(`policy ${name}`);
    }

    // Secrets: every version in order, then soft deletes and destroys, then custom metadata.
    const mountPaths = result.mounts;
    for (const [key, secret] of Object.entries(state.secrets ?? {})) {
      const { mount, rel } = mountOf(key, mountPaths);
      const versions = secret.versions ?? [];
      if (kvVersion[mount] === '2') {
        for (const v of versions) await call('POST', `${mount}data/${rel}`, { data: v.data });
        const deleted = versions.flatMap((v, i) => (v.deleted && !v.destroyed ? [i + 1] : []));
        const destroyed = versions.flatMap((v, i) => (v.destroyed ? [i + 1] : []));
        if (deleted.length > 0) await call('POST', `${mount}delete/${rel}`, { versions: deleted });
        if (destroyed.length > 0) await call('POST', `${mount}destroy/${rel}`, { versions: destroyed });
        if (secret.custom_metadata && Object.keys(secret.custom_metadata).length > 0) {
          await call('POST', `${mount}metadata/${rel}`, { custom_metadata: secret.custom_metadata });
        }
        say(`secret ${key}: ${versions.length} version(s)${deleted.length ? `, deleted ${deleted.join(',')}` : ''}${destroyed.length ? `, destroyed ${destroyed.join(',')}` : ''}`);
      } else {
        const last = versions[versions.length - 1];
        if (last) await call('POST', `${mount}${rel}`, last.data);
        say(`secret ${key} (kv v1)`);
      }
      result.secrets.push({ path: key, versions: versions.length });
    }
    return result;
  } finally {
    transport.close();
  }
}
