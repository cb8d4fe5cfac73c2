// A small, faithful Vault for tests: a real HTTP(S) server on 127.0.0.1 (port 0) answering the
// endpoints the product calls with the exact shapes, statuses and error bodies of
// test/fixtures/reference/vault/api-examples. It starts from a VaultState (vault-state.json, loaded as is),
// enforces its tokens' policies before routing (as Vault does), and lets tests inject latency,
// failures, sealing and a dead server. No product logic lives here.
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import type { VaultClientConfig } from '../../src/vault/config.js';
import { hasMountAccess, isAllowed, tokenAcl } from './vault-double-acl.js';
import { BUILTIN_DEFAULT_POLICY } from '../../src/vault/acl/index.js';
import type { CompiledAcl } from '../../src/vault/acl/index.js';
import { handleAuthMount } from './vault-double-auth.js';
import { handleSecretMount } from './vault-double-kv.js';
import { handleWrite } from './vault-double-writes.js';
import {
  BUILTIN_MOUNTS, ERR_EMPTY, ERR_INVALID_TOKEN, ERR_PERMISSION_DENIED, ERR_SEALED, authMountInfo, cannedError, envelope, healthBody,
  inNamespace, injected, mountInfo, type Json, type VaultState,
} from './vault-double-shapes.js';
import { REPO_ROOT } from './paths.js';

export type { VaultState } from './vault-double-shapes.js';

export interface DoubleRequest {
  method: string;
  /** URL path as sent, with `/v1/` (`/v1/kv/dev/data/postgres`). */
  path: string;
  query: Record<string, string>;
  status: number;
  /** X-Vault-Namespace header as sent ('' when absent). */
  namespace: string;
  /** When the request arrived and when it was answered (performance.now() ms; for the benchmarks' critical path). */
  startedAtMs: number;
  endedAtMs?: number;
}

export interface DoubleToken {
  policies: string[];
  ttlSeconds: number;
  /** 0 = never expires. */
  expireAtMs: number;
  maxExpireAtMs: number;
  renewable: boolean;
  accessor: string;
  issuedAtMs: number;
  meta: Record<string, string> | null;
  path: string;
  displayName: string;
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface DoubleContext {
  state: VaultState;
  /** Namespace prefix (`ns1/`) or ''. */
  ns: string;
  rel: string;
  operation: 'read' | 'list' | 'update' | 'delete';
  query: URLSearchParams;
  body: Json;
  issue: (policies: string[], ttlSeconds: number, extra?: Partial<DoubleToken>) => { token: string; info: DoubleToken };
  tokenBlock: (token: string, info: DoubleToken) => Json;
  remoteAddress: string;
}

export interface VaultDouble {
  url: string;
  /** PEM of the self-signed certificate when started with `tls: true`. */
  caPem?: string;
  state: VaultState;
  requests: DoubleRequest[];
  /** Token with the webhook's policy (deploy/vault/eso-vault-guard-policy.hcl). */
  webhookToken: string;
  tokens: Map<string, DoubleToken>;
  setLatencyMs(ms: number): void;
  /**
   * Every answer waits for `gate(request)` (after the latency) before it is sent; undefined removes it.
   * The benchmark uses it to answer in lockstep rounds and count round trips causally.
   */
  setAnswerGate(gate: ((request: DoubleRequest) => Promise<void>) | undefined): void;
  /** The next `n` requests (except sys/health) answer `status` with Vault's error body; status 0 resets the connection instead. */
  failNext(n: number, status: number): void;
  /** Something in front of Vault (a proxy, a login portal) answers every request but sys/health; undefined stops it. */
  setForeignAnswer(answer: { status: number; contentType: string; text: string } | undefined): void;
  seal(): void;
  unseal(): void;
  setDown(down: boolean): void;
  issueToken(policies: string[], ttlSeconds?: number): string;
  revokeToken(token: string): void;
  close(): Promise<void>;
}

export interface VaultDoubleOptions {
  state: VaultState | string;
  /** Which server's answers to give where Vault and OpenBao differ (test/contract/ recordings); default vault. */
  flavour?: 'vault' | 'openbao';
  webhookToken?: string;
  latencyMs?: number;
  /** HTTPS with a generated self-signed certificate, or with the given pair (`ca` is what clients should trust). */
  tls?: boolean | { key: string; cert: string; ca: string };
  /** Listen on this loopback port instead of a free one (a Vault coming back on the address it had). */
  port?: number;
}

/** What an OpenBao dev server reports in sys/health and sys/seal-status (test/contract/bao-health.json). */
export const OPENBAO_VERSION = '2.6.2';

function sealStatusBody(sealed: boolean, flavour: 'vault' | 'openbao'): Json {
  const body: Json = {
    type: 'shamir', initialized: true, sealed, t: 1, n: 1, progress: 0, nonce: '', version: flavour === 'openbao' ? OPENBAO_VERSION : '1.21.0',
    build_date: '2026-01-01T00:00:00Z', migration: false, recovery_seal: false, storage_type: 'inmem',
  };
  if (flavour === 'openbao') { delete body.build_date; body.commit_date = ''; }
  if (!sealed) Object.assign(body, { cluster_name: 'vault-cluster-double', cluster_id: '00000000-0000-4000-8000-000000000000' });
  return body;
}

export const WEBHOOK_POLICY_NAME = 'eso-vault-guard';
export const WEBHOOK_POLICY_FILE = join(REPO_ROOT, 'deploy', 'vault', 'eso-vault-guard-policy.hcl');

function loadState(state: VaultState | string): VaultState {
  const raw = typeof state === 'string' ? (JSON.parse(readFileSync(state, 'utf8')) as VaultState) : structuredClone(state);
  raw.mounts ??= {};
  raw.auth ??= {};
  raw.policies ??= {};
  raw.secrets ??= {};
  return raw;
}

function parseBool(v: string | null): boolean | 'invalid' | undefined {
  if (v === null) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False', ''].includes(v)) return false;
  return 'invalid';
}


export async function startVaultDouble(opts: VaultDoubleOptions): Promise<VaultDouble> {
  const state = loadState(opts.state);
  const flavour = opts.flavour ?? 'vault';
  /** OpenBao's answers where they differ from Vault's (as recorded in test/contract/bao-*.json). */
  const flavoured = (rel: string, body: unknown): unknown => {
    if (flavour !== 'openbao' || !body || typeof body !== 'object' || Array.isArray(body)) return body;
    const b = { ...(body as Json) };
    delete b.mount_type; // OpenBao's response envelope has no mount_type
    if (rel === 'sys/health') {
      for (const k of ['performance_standby', 'enterprise', 'echo_duration_ms', 'clock_skew_ms', 'replication_primary_canary_age_ms', 'removed_from_cluster']) delete b[k];
      b.version = OPENBAO_VERSION;
    }
    if (rel === 'sys/auth') {
      // Auth mounts list their options as {} rather than null.
      const withOptions = (t: unknown) => Object.fromEntries(Object.entries((t ?? {}) as Json).map(([k, v]) => [k, v && typeof v === 'object' && (v as Json).options === null && (v as Json).type !== 'token' ? { ...(v as Json), options: {} } : v]));
      Object.assign(b, withOptions(Object.fromEntries(Object.entries(b).filter(([k]) => k.endsWith('/')))));
      b.data = withOptions(b.data);
    }
    // An unknown or revoked token: a bare "permission denied", not Vault's "invalid token" multierror.
    if (JSON.stringify(b.errors) === JSON.stringify(ERR_INVALID_TOKEN.errors)) b.errors = ['permission denied'];
    if (Array.isArray(b.errors) && typeof b.errors[0] === 'string' && b.errors[0].startsWith('error converting version: ')) {
      b.errors = ["Field validation failed: error converting input for field \"version\": '' cannot parse value as 'int': strconv.ParseInt: invalid syntax"];
    }
    return b;
  };
  const tokens = new Map<string, DoubleToken>();
  const requests: DoubleRequest[] = [];
  const sockets = new Set<Socket>();
  let latencyMs = opts.latencyMs ?? 0;
  let answerGate: ((request: DoubleRequest) => Promise<void>) | undefined;
  let failures: { remaining: number; status: number } = { remaining: 0, status: 500 };
  let foreign: { status: number; contentType: string; text: string } | undefined;
  let sealed = false;
  let down = false;

  if (!state.policies[WEBHOOK_POLICY_NAME]) state.policies[WEBHOOK_POLICY_NAME] = readFileSync(WEBHOOK_POLICY_FILE, 'utf8');

  function issue(policies: string[], ttlSeconds: number, extra: Partial<DoubleToken> = {}, value?: string): { token: string; info: DoubleToken } {
    const token = value ?? `hvs.${randomBytes(18).toString('base64url')}`;
    const now = Date.now();
    const info: DoubleToken = {
      policies: [...new Set(policies)].sort(),
      ttlSeconds,
      expireAtMs: ttlSeconds > 0 ? now + ttlSeconds * 1000 : 0,
      maxExpireAtMs: 0,
      renewable: ttlSeconds > 0,
      accessor: randomBytes(12).toString('hex'),
      issuedAtMs: now,
      meta: null,
      path: 'auth/token/create',
      displayName: 'token',
      ...extra,
    };
    tokens.set(token, info);
    return { token, info };
  }

  function tokenBlock(token: string, info: DoubleToken): Json {
    return {
      client_token: token, accessor: info.accessor, policies: info.policies, token_policies: info.policies,
      metadata: info.meta, lease_duration: info.ttlSeconds, renewable: info.renewable, entity_id: '',
      token_type: 'service', orphan: true, mfa_requirement: null, num_uses: 0,
    };
  }

  function aclOf(info: DoubleToken): CompiledAcl {
    return tokenAcl(info.policies, state.policies, flavour);
  }

  function liveToken(token: string | undefined): DoubleToken | undefined {
    const info = token ? tokens.get(token) : undefined;
    if (!info) return undefined;
    if (info.expireAtMs > 0 && Date.now() >= info.expireAtMs) {
      tokens.delete(token as string);
      return undefined;
    }
    return info;
  }

  const webhookToken = issue([WEBHOOK_POLICY_NAME, 'default'], 0, {}, opts.webhookToken).token;

  function route(ctx: DoubleContext, token: string | undefined, info: DoubleToken | undefined): Answer {
    const { rel, operation, ns } = ctx;
    // Handler-checked or unauthenticated routes first, as Vault's router does.
    if (rel.startsWith('sys/internal/ui/mounts/')) {
      if (!info) return { status: 403, body: ERR_INVALID_TOKEN };
      const sub = rel.slice('sys/internal/ui/mounts/'.length).replace(/^\/+|\/+$/g, '');
      const mounts = { ...BUILTIN_MOUNTS, ...inNamespace(state.mounts, ns) };
      const key = Object.keys(mounts).filter((m) => `${sub}/`.startsWith(m)).sort((a, b) => b.length - a.length)[0];
      if (!key || !hasMountAccess(aclOf(info), ns + key)) {
        return { status: 403, body: { errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "${sub}/"`] } };
      }
      const mount = mounts[key] as VaultState['mounts'][string];
      const info2 = mountInfo(ns + key, mount);
      return { status: 200, body: envelope(Object.fromEntries(Object.entries({ ...info2, path: key }).sort(([a], [b]) => a.localeCompare(b))), 'system') };
    }
    if (/^auth\/.+\/login$/.test(rel) && operation === 'update') return handleAuthMount(ctx);

    if (!token) return { status: 403, body: { errors: ['permission denied'] } };
    if (!info) return { status: 403, body: ERR_INVALID_TOKEN };
    if (rel === 'auth/token/lookup-self' && operation === 'read') {
      const now = Date.now();
      return {
        status: 200,
        body: envelope({
          accessor: info.accessor, creation_time: Math.floor(info.issuedAtMs / 1000), creation_ttl: info.ttlSeconds,
          display_name: info.displayName, entity_id: '', expire_time: info.expireAtMs ? new Date(info.expireAtMs).toISOString() : null,
          explicit_max_ttl: 0, id: token, issue_time: new Date(info.issuedAtMs).toISOString(), meta: info.meta, num_uses: 0, orphan: true,
          path: info.path, policies: info.policies, renewable: info.renewable,
          ttl: info.expireAtMs ? Math.max(0, Math.round((info.expireAtMs - now) / 1000)) : 0, type: 'service',
        }, 'token'),
      };
    }
    if (rel === 'auth/token/renew-self' && operation === 'update') {
      if (!info.renewable) return { status: 400, body: { errors: ['lease is not renewable'] } };
      const now = Date.now();
      let ttl = info.ttlSeconds;
      if (info.maxExpireAtMs) ttl = Math.min(ttl, Math.max(0, Math.floor((info.maxExpireAtMs - now) / 1000)));
      info.expireAtMs = now + ttl * 1000;
      return { status: 200, body: envelope(null, 'token', { auth: { ...tokenBlock(token as string, info), lease_duration: ttl } }) };
    }

    // Vault appends `/` to a LIST path before the ACL check; query parameters are request data.
    const aclPath = ns + rel + (operation === 'list' && !rel.endsWith('/') ? '/' : '');
    const { list: _list, ...queryData } = Object.fromEntries(ctx.query); // Vault drops `list` from the request data
    const data = { ...queryData, ...ctx.body };
    if (!isAllowed(aclOf(info), aclPath, operation, data)) return { status: 403, body: ERR_PERMISSION_DENIED };
    const written = handleWrite(ctx);
    if (written) return written;

    if (rel === 'sys/mounts' && operation === 'read') {
      const mounts = { ...BUILTIN_MOUNTS, ...inNamespace(state.mounts, ns) };
      return { status: 200, body: injected(Object.fromEntries(Object.entries(mounts).map(([p, m]) => [p, mountInfo(ns + p, m)]))) };
    }
    if (rel.startsWith('sys/mounts/') && operation === 'read') {
      const p = `${rel.slice('sys/mounts/'.length).replace(/\/+$/, '')}/`;
      const m = ({ ...BUILTIN_MOUNTS, ...inNamespace(state.mounts, ns) })[p];
      return m ? { status: 200, body: injected(mountInfo(ns + p, m)) } : { status: 400, body: { errors: [`No secret engine mount at ${p}`] } };
    }
    if (rel === 'sys/auth' && operation === 'read') {
      const auths = { 'token/': { type: 'token' }, ...inNamespace(state.auth, ns) };
      return { status: 200, body: injected(Object.fromEntries(Object.entries(auths).sort(([a], [b]) => a.localeCompare(b)).map(([p, a]) => [p, authMountInfo(ns + p, a)]))) };
    }
    if ((rel === 'sys/policies/acl' || rel === 'sys/policies/acl/') && operation === 'list') {
      const keys = [...new Set(['default', ...Object.keys(state.policies)])].filter((k) => k !== 'response-wrapping' && k !== 'root').sort();
      return { status: 200, body: envelope({ keys: ns ? keys : [...keys, 'root'] }, 'system') };
    }
    if (rel.startsWith('sys/policies/acl/') && operation === 'read') {
      const name = rel.slice('sys/policies/acl/'.length).toLowerCase();
      const text = state.policies[name] ?? (name === 'default' ? BUILTIN_DEFAULT_POLICY : undefined);
      return text === undefined ? { status: 404, body: ERR_EMPTY } : { status: 200, body: envelope({ name, policy: text }, 'system') };
    }
    if (rel.startsWith('auth/')) return handleAuthMount(ctx);
    return handleSecretMount(ctx);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (down) { req.socket.destroy(); return; }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://double');
    const nsHeader = String(req.headers['x-vault-namespace'] ?? '');
    const entry: DoubleRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0, namespace: nsHeader, startedAtMs: performance.now() };
    requests.push(entry);
    const send = (answer: Answer) => {
      entry.status = answer.status;
      entry.endedAtMs = performance.now();
      if (down) { req.socket.destroy(); return; }
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(text);
    };
    // The gate sees the request as soon as it is logged (a request counted as received but not yet
    // held would let bench/critical-path.ts release a round without it); the latency follows.
    if (answerGate) await answerGate(entry);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (!url.pathname.startsWith('/v1/')) return send({ status: 404, body: ERR_EMPTY });
    const rel = url.pathname.slice(4).split('/').map((s) => decodeURIComponent(s)).join('/');
    if (rel === 'sys/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send({ status: 405, body: ERR_EMPTY });
      return send({ status: sealed ? 503 : 200, body: flavoured(rel, healthBody(sealed)) });
    }
    if (rel === 'sys/seal-status') {
      return send({ status: 200, body: sealStatusBody(sealed, flavour) });
    }
    if (foreign) {
      entry.status = foreign.status;
      entry.endedAtMs = performance.now();
      res.writeHead(foreign.status, { 'Content-Type': foreign.contentType });
      res.end(foreign.text);
      return;
    }
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      if (failures.status === 0) { req.socket.destroy(); return; } // a connection reset
      return send({ status: failures.status, body: cannedError(failures.status, rel) });
    }
    if (sealed) return send({ status: 503, body: ERR_SEALED });
    const list = parseBool(url.searchParams.get('list'));
    if (list === 'invalid') return send({ status: 400, body: ERR_EMPTY });
    const method = (req.method ?? 'GET').toUpperCase();
    const operation = method === 'LIST' || (method === 'GET' && list === true) ? 'list'
      : method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'update';
    let body: Json = {};
    try { body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json) : {}; } catch { return send({ status: 400, body: { errors: ['failed to parse JSON input'] } }); }
    const rawToken = req.headers['x-vault-token'] ?? (req.headers.authorization?.replace(/^Bearer\s+/i, '') || undefined);
    const token = Array.isArray(rawToken) ? rawToken[0] : rawToken;
    const trimmedNs = nsHeader.replace(/^\/+|\/+$/g, '');
    const ns = trimmedNs && trimmedNs !== 'root' ? `${trimmedNs}/` : '';
    const ctx: DoubleContext = {
      state, ns, rel, operation, query: url.searchParams, body, issue, tokenBlock, remoteAddress: req.socket.remoteAddress ?? '',
    };
    if (flavour === 'openbao' && ns && !Object.keys({ ...state.mounts, ...state.auth }).some((k) => k.startsWith(ns))) {
      return send({ status: 404, body: { errors: ['namespace not found'] } });
    }
    const answer = route(ctx, token, liveToken(token));
    send({ ...answer, body: flavoured(rel, answer.body) });
  }

  let caPem: string | undefined;
  let server: http.Server | https.Server;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) { res.writeHead(500, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ errors: [String(err)] })); }
    });
  };
  if (opts.tls && typeof opts.tls === 'object') {
    caPem = opts.tls.ca;
    server = https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener);
  } else if (opts.tls) {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048, algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
    });
    caPem = pems.cert;
    server = https.createServer({ key: pems.private, cert: pems.cert }, listener);
  } else {
    server = http.createServer(listener);
  }
  const connectionEvent = opts.tls ? 'secureConnection' : 'connection';
  server.on(connectionEvent, (socket: Socket) => {
    if (down) { socket.destroy(); return; }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (opts.tls) server.on('connection', (socket: Socket) => { if (down) socket.destroy(); });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(caPem ? { caPem } : {}),
    state,
    requests,
    webhookToken,
    tokens,
    setLatencyMs: (ms) => { latencyMs = ms; },
    setAnswerGate: (gate) => { answerGate = gate; },
    failNext: (n, status) => { failures = { remaining: n, status }; },
    setForeignAnswer: (answer) => { foreign = answer; },
    seal: () => { sealed = true; },
    unseal: () => { sealed = false; },
    setDown: (value) => {
      down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    issueToken: (policies, ttlSeconds = 0) => issue(policies, ttlSeconds).token,
    revokeToken: (token) => { tokens.delete(token); },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * A VaultClientConfig for the product that logs in to the double with a token file (written to a
 * temp dir) carrying the webhook policy of deploy/vault/eso-vault-guard-policy.hcl. Each KV v1 mount
 * of the state is opted into value reads (`valueReadMounts`) with `read`/`list` added to the policy,
 * as the deploy file tells operators to (`kvV1ValueReads: false` leaves them out).
 * Servers: the state's `server` name (stores name it) connecting to the double, and the double's own URL.
 */
export function webhookVaultConfig(double: VaultDouble, overrides: Partial<VaultClientConfig> = {}, opts: { kvV1ValueReads?: boolean } = {}): VaultClientConfig {
  const v1Mounts = opts.kvV1ValueReads === false ? [] : Object.entries(double.state.mounts)
    .filter(([, m]) => (m.type === 'kv' && m.options?.version !== '2') || m.type === 'generic')
    .map(([p]) => p);
  const v1Stanzas = v1Mounts.map((p) => `path "${p}*" {\n  capabilities = ["read", "list"]\n}\n`);
  if (v1Stanzas.length > 0 && !double.state.policies[WEBHOOK_POLICY_NAME]?.includes('# double: kv v1 mounts')) {
    double.state.policies[WEBHOOK_POLICY_NAME] = `${readFileSync(WEBHOOK_POLICY_FILE, 'utf8')}\n# double: kv v1 mounts\n${v1Stanzas.join('')}`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'vault-double-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${double.webhookToken}\n`, { mode: 0o600 });
  let caFile: string | undefined;
  if (double.caPem) {
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, double.caPem);
  }
  const server = (url: string) => ({
    url, address: double.url, ...(caFile ? { caFile } : {}), login: { method: 'token' as const, tokenFile }, ...(v1Mounts.length > 0 ? { valueReadMounts: v1Mounts } : {}),
  });
  const names = [...new Set([double.state.server, double.url].filter((u): u is string => typeof u === 'string' && u.length > 0))];
  return {
    servers: names.map(server),
    requestTimeoutMs: 2_000,
    metadataOnly: false,
    healthIntervalMs: 0,
    loginRetryMs: 1_000,
    retry: { maxRetries: 2, backoffMs: 10 },
    ...overrides,
    cache: { policyTtlMs: 60_000, roleTtlMs: 60_000, mountTtlMs: 60_000, secretTtlMs: 10_000, negativeTtlMs: 2_000, maxEntries: 1_000, ...overrides.cache },
    breaker: { failureThreshold: 3, openMs: 2_000, ...overrides.breaker },
  };
}
