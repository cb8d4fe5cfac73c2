// The webhook's own login to one Vault server. Credential files are re-read at every login so a
// rotated projected ServiceAccount token (or a rotated secret_id / token file) is picked up.
import { readFile } from 'node:fs/promises';
import type { VaultLoginConfig } from './config.js';
import type { VaultEndpoint } from './request-path.js';
import type { VaultHttpResult } from './transport.js';
import { errorSummary } from './vault-errors.js';

export interface VaultToken {
  token: string;
  /** 0 for tokens that never expire (root). */
  ttlSeconds: number;
  renewable: boolean;
}

export type LoginOutcome =
  | { ok: true; token: VaultToken }
  | { ok: false; detail: string; result?: VaultHttpResult };

/** Sends one request built from `target` (request-path.ts); `token` overrides the session's. */
export type Send = (target: VaultEndpoint, extra: { token?: string; body?: Record<string, unknown> }) => Promise<VaultHttpResult>;

function mountOf(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

async function readCredential(file: string, what: string): Promise<string | { error: string }> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text.length > 0 ? text : { error: `${what} file ${file} is empty` };
  } catch (err) {
    return { error: `cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
  }
}

function failure(what: string, result: VaultHttpResult): LoginOutcome {
  if (result.kind === 'answer') return { ok: false, detail: `${what}: HTTP ${result.status} ${errorSummary(result.body)}`.trim(), result };
  return { ok: false, detail: `${what}: ${result.detail}`, result };
}

function fromAuthBlock(what: string, result: VaultHttpResult): LoginOutcome {
  if (result.kind !== 'answer' || result.status !== 200) return failure(what, result);
  const auth = (result.body as { auth?: { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } } | null)?.auth;
  if (!auth || typeof auth.client_token !== 'string') return { ok: false, detail: `${what}: answer has no auth.client_token` };
  return {
    ok: true,
    token: {
      token: auth.client_token,
      ttlSeconds: typeof auth.lease_duration === 'number' ? auth.lease_duration : 0,
      renewable: auth.renewable === true,
    },
  };
}

export async function login(config: VaultLoginConfig, send: Send): Promise<LoginOutcome> {
  if (config.method === 'token' || config.method === 'inline-token') {
    const token = config.method === 'inline-token' ? config.token : await readCredential(config.tokenFile, 'token');
    if (typeof token !== 'string') return { ok: false, detail: token.error };
    const result = await send({ family: 'auth.token.lookup-self' }, { token });
    if (result.kind !== 'answer' || result.status !== 200) return failure('token lookup-self', result);
    const data = (result.body as { data?: { ttl?: unknown; renewable?: unknown } } | null)?.data;
    if (!data || typeof data !== 'object') return { ok: false, detail: 'token lookup-self: the answer is not a well-formed Vault response (no data)' };
    return {
      ok: true,
      token: { token, ttlSeconds: typeof data.ttl === 'number' ? data.ttl : 0, renewable: data.renewable === true },
    };
  }
  const mount = mountOf(config.mountPath);
  const what = `${config.method} login at auth/${mount}`;
  let body: Record<string, unknown>;
  if (config.method === 'approle') {
    const secretId = await readCredential(config.secretIdFile, 'secret_id');
    if (typeof secretId !== 'string') return { ok: false, detail: secretId.error };
    body = { role_id: config.roleId, secret_id: secretId };
  } else {
    const jwt = await readCredential(config.tokenFile, 'ServiceAccount token');
    if (typeof jwt !== 'string') return { ok: false, detail: jwt.error };
    body = { role: config.role, jwt };
  }
  const result = await send({ family: 'auth.login', method: config.method, mount }, { body });
  return fromAuthBlock(what, result);
}

export async function renewSelf(token: string, send: Send): Promise<LoginOutcome> {
  const result = await send({ family: 'auth.token.renew-self' }, { token, body: {} });
  return fromAuthBlock('token renew-self', result);
}
