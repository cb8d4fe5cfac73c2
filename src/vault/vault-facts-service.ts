// The live VaultFacts: one session per configured server, a shared fact cache with coalescing,
// and per-fact request/answer mapping. Every lookup honours the admission's deadline.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { normaliseServerUrl, type VaultClientConfig } from './config.js';
import { FactCache, type FactKind } from './fact-cache.js';
import {
  absentSecret, authMountTable, classify, dataOf, longestMount, mountTable, notVaultAnswer, presentSecret, presentSubkeys, toKvMetadata, toMountFact,
  withoutCredentials,
} from './fact-mapping.js';
import type { AuthMountFact, Fact, FactOptions, KvMetadataFact, KvMountFact, RequestBudget, SecretReadFact, VaultFacts } from './facts.js';
import { METADATA_ONLY_DETAIL, VALUES_NOT_READ_DETAIL } from './facts.js';
import { createVaultMetrics } from './metrics.js';
import { DEFAULT_BUDGET, RequestScheduler } from './request-budget.js';
import type { VaultEndpoint } from './request-path.js';
import { sessionRequest, VaultServerSession, type LoginFailure } from './server-session.js';
import { fetchPresentedChain, type PresentedChainFact } from './tls-chain.js';

export interface VaultFactsStats {
  /** HTTP requests sent, in total and by endpoint template. */
  requests: number;
  byEndpoint: Record<string, number>;
  /** Lookups that joined an in-flight request instead of sending their own. */
  coalesced: number;
  cacheEntries: number;
}

export interface VaultFactsService extends VaultFacts {
  openBudget(deadlineAtMs: number): RequestBudget;
  start(): Promise<void>;
  ready(): { ready: boolean; reason?: string };
  close(): Promise<void>;
  stats(): VaultFactsStats;
  /** Servers whose last login failed, with the address dialled and why (check's fatal error). */
  loginFailures(): { url: string; address: string; failure: LoginFailure }[];
  /** What the cache holds (facts only, never secret values); for tests and debugging. */
  cacheSnapshot(): unknown;
}

/** Certificates of a server's `caFile` (public PEM blocks only; a key in the file is skipped). */
function caFileCertificates(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return [...readFileSync(file, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
  } catch {
    return [];
  }
}

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, '');
const decodePath = (encoded: string): string => encoded.split('/').map(decodeURIComponent).join('/');

export function createVaultFacts(
  config: VaultClientConfig,
  /** `now`: the clock of the circuit breakers (epoch ms; tests inject one). */
  deps: { logger: Logger; registry: Registry; now?: () => number },
): VaultFactsService {
  const logger = deps.logger.child({ component: 'vault' });
  const metrics = createVaultMetrics(deps.registry);
  const cache = new FactCache(config.cache, metrics);
  const scheduler = new RequestScheduler({ ...DEFAULT_BUDGET, ...config.budget });
  const sessions = new Map<string, VaultServerSession>();
  for (const server of config.servers) {
    sessions.set(normaliseServerUrl(server.url), new VaultServerSession(server, config, metrics, logger, deps.now));
  }

  /** Runs one fact lookup: server resolution, cache and coalescing, then the Vault request(s). */
  function lookup<T>(
    kind: FactKind,
    server: string,
    key: string,
    opts: FactOptions,
    describe: string,
    run: (session: VaultServerSession, namespace: string | undefined, source: string) => Promise<Fact<T>>,
  ): Promise<Fact<T>> {
    const session = sessions.get(normaliseServerUrl(server));
    if (!session) return Promise.resolve({ status: 'not_configured', source: describe, server });
    const namespace = opts.namespace || session.server.namespace || undefined;
    const source = namespace ? `${describe} [namespace ${namespace}]` : describe;
    const cacheKey = `${normaliseServerUrl(server)}|${namespace ?? ''}|${key}`;
    return cache.get(kind, cacheKey, opts.deadlineAtMs, async () => {
      const fact = await run(session, namespace, source);
      logger.debug({ vaultServer: session.server.url, fact: kind, status: fact.status, source: fact.source }, 'Vault fact looked up');
      return fact;
    }, opts.budget ? { scheduler, budget: opts.budget, source } : undefined);
  }

  const get = (session: VaultServerSession, target: VaultEndpoint, namespace: string | undefined, deadlineAtMs: number) =>
    session.call(target, { deadlineAtMs, ...(namespace ? { namespace } : {}) });
  /** The logical path a request would reach, for a fact's `source` (a refused name shows as written). */
  const describe = (method: string, target: VaultEndpoint): string => {
    const built = sessionRequest(target, undefined);
    return built.ok ? `${method} ${decodePath(built.request.encodedPath)}${built.request.query?.version ? `?version=${built.request.query.version}` : ''}` : `${method} ${target.family} (${built.detail})`;
  };
  const valueMounts = new Map<string, Set<string>>();
  for (const server of config.servers) {
    valueMounts.set(normaliseServerUrl(server.url), new Set((server.valueReadMounts ?? []).map((m) => `${trimSlashes(m)}/`)));
  }
  const readsValues = (server: string, mount: string): boolean => valueMounts.get(normaliseServerUrl(server))?.has(`${trimSlashes(mount)}/`) ?? false;

  const service: VaultFactsService = {
    metadataOnly: config.metadataOnly,
    readsValues,

    isConfigured: (server) => sessions.has(normaliseServerUrl(server)),
    flavour: (server) => sessions.get(normaliseServerUrl(server))?.flavour ?? 'vault',

    openBudget: (deadlineAtMs) => scheduler.open(deadlineAtMs),

    mountForPath(server, path, opts) {
      const clean = trimSlashes(path);
      const target: VaultEndpoint = { family: 'sys.internal.ui.mounts', secretPath: clean };
      return lookup<KvMountFact>('mount', server, `path:${clean}`, opts, describe('GET', target), async (session, ns, source) => {
        const preflight = await get(session, target, ns, opts.deadlineAtMs);
        const first = classify<KvMountFact>(preflight, source, (body) => {
          const data = dataOf(body);
          if (!data || typeof data.path !== 'string') return notVaultAnswer(source, 'no data.path');
          return { status: 'ok', value: toMountFact(data.path, data), source };
        });
        // The preflight answers 403 both for "no access under the mount" and "no such mount"
        // (and old servers 404): the mount table decides.
        if (first.status !== 'forbidden' && first.status !== 'not_found' && !(first.status === 'unavailable' && preflight.kind === 'answer' && preflight.status === 400)) return first;
        const fallbackSource = `GET sys/mounts (sys/internal/ui/mounts/${clean} gave ${first.status})${ns ? ` [namespace ${ns}]` : ''}`;
        // Runs inside this lookup's slot of the object's budget: not charged or queued again (no self-deadlock).
        const { budget: _held, ...inSlot } = opts;
        const table = await lookup<Record<string, KvMountFact>>('mount', server, 'table', inSlot, 'GET sys/mounts', async (s, n, src) =>
          classify(await get(s, { family: 'sys.mounts' }, n, opts.deadlineAtMs), src, (body) => mountTable(body, src)));
        if (table.status !== 'ok') {
          if (table.status === 'forbidden' && first.status === 'forbidden') {
            return { status: 'forbidden', source: fallbackSource, detail: `${first.detail}; sys/mounts is denied too` };
          }
          return { ...table, source: fallbackSource };
        }
        const mount = longestMount(table.value, clean);
        return mount ? { status: 'ok', value: mount, source: fallbackSource } : { status: 'not_found', source: fallbackSource };
      });
    },

    authMounts(server, opts) {
      return lookup<Record<string, AuthMountFact>>('auth_mounts', server, 'sys/auth', opts, 'GET sys/auth', async (session, ns, source) =>
        classify(await get(session, { family: 'sys.auth' }, ns, opts.deadlineAtMs), source, (body) => authMountTable(body, source)));
    },

    authRole(server, mountPath, role, opts) {
      const target: VaultEndpoint = { family: 'auth.role', mount: trimSlashes(mountPath), role };
      const source = describe('GET', target);
      return lookup<Record<string, unknown>>('auth_role', server, source, opts, source, async (session, ns, src) =>
        classify<Record<string, unknown>>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: data, source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    authConfig(server, mountPath, opts) {
      const target: VaultEndpoint = { family: 'auth.config', mount: trimSlashes(mountPath) };
      const source = describe('GET', target);
      return lookup<Record<string, unknown>>('auth_config', server, source, opts, source, async (session, ns, src) =>
        classify<Record<string, unknown>>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: withoutCredentials(data), source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    policyText(server, name, opts) {
      const target: VaultEndpoint = { family: 'sys.policies.acl', name };
      const source = describe('GET', target);
      return lookup<string>('policy', server, source, opts, source, async (session, ns, src) =>
        classify<string>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const policy = dataOf(body)?.policy;
          return typeof policy === 'string' ? { status: 'ok', value: policy, source: src } : notVaultAnswer(src, 'no data.policy');
        }));
    },

    kvMetadata(server, at, opts) {
      const target: VaultEndpoint = { family: 'kv2.metadata', mount: at.mount, secretPath: at.secretPath };
      const source = describe('GET', target);
      return lookup<KvMetadataFact>('kv_metadata', server, source, opts, source, async (session, ns, src) =>
        classify<KvMetadataFact>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: toKvMetadata(data), source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    readSecretShape(server, at, version, opts) {
      const values = readsValues(server, at.mount);
      const target: VaultEndpoint = opts.kvVersion === '1'
        ? { family: 'kv1.data', mount: at.mount, secretPath: at.secretPath }
        : { family: values ? 'kv2.data' : 'kv2.subkeys', mount: at.mount, secretPath: at.secretPath, ...(version !== undefined ? { version } : {}) };
      const source = describe('GET', target);
      if (config.metadataOnly || (opts.kvVersion === '1' && !values)) {
        if (!service.isConfigured(server)) return Promise.resolve({ status: 'not_configured', source, server });
        return Promise.resolve({ status: 'unavailable', source: `${source} (not sent)`, detail: config.metadataOnly ? METADATA_ONLY_DETAIL : VALUES_NOT_READ_DETAIL });
      }
      return lookup<SecretReadFact>('secret_shape', server, source, opts, source, async (session, ns, src) =>
        classify(
          await get(session, target, ns, opts.deadlineAtMs),
          src,
          (body) => target.family === 'kv2.subkeys' ? presentSubkeys(body, src) : presentSecret(body, opts.kvVersion, src),
          (body) => absentSecret(body, src),
        ));
    },

    listKeys(server, at, opts) {
      const target: VaultEndpoint = { family: 'kv.list', kvVersion: at.kvVersion, mount: at.mount, folder: at.folder };
      const source = describe('LIST', target);
      return lookup<string[]>('list_keys', server, source, opts, source, async (session, ns, src) =>
        classify<string[]>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const keys = dataOf(body)?.keys;
          return Array.isArray(keys)
            ? { status: 'ok', value: keys.filter((k): k is string => typeof k === 'string'), source: src }
            : notVaultAnswer(src, 'no data.keys');
        }));
    },

    presentedChain(server, opts) {
      const session = sessions.get(normaliseServerUrl(server));
      if (!session) return Promise.resolve({ status: 'not_configured', source: 'TLS handshake', server });
      const address = session.server.address ?? session.server.url;
      const source = `TLS handshake with ${address}`;
      const cacheKey = `${normaliseServerUrl(server)}|${address}`;
      return cache.get<PresentedChainFact>('tls_chain', cacheKey, opts.deadlineAtMs, async () => {
        let target: URL;
        try {
          target = new URL(address);
        } catch {
          return { status: 'unavailable', source, detail: `"${address}" is not a URL` };
        }
        if (target.protocol !== 'https:') return { status: 'ok', value: { address, plainHttp: true, certificates: [], webhookCas: [] }, source };
        let serverName = '';
        try {
          serverName = new URL(server.trim()).hostname.replace(/^\[|\]$/g, '');
        } catch { /* no SNI */ }
        const timeoutMs = Math.min(config.requestTimeoutMs, opts.deadlineAtMs - Date.now());
        if (timeoutMs <= 0) return { status: 'timeout', source };
        const fetched = await fetchPresentedChain(target, serverName, timeoutMs);
        if (fetched.kind === 'timeout') return { status: 'timeout', source };
        if (fetched.kind === 'connection') return { status: 'unavailable', source, detail: fetched.detail };
        return { status: 'ok', value: { address, plainHttp: false, certificates: fetched.certificates, webhookCas: caFileCertificates(session.server.caFile) }, source };
      });
    },

    async start() {
      await Promise.all([...sessions.values()].map((s) => s.start()));
    },

    ready() {
      const reasons = [...sessions.values()].map((s) => s.readiness()).filter((r) => !r.ready).map((r) => r.reason ?? 'not ready');
      return reasons.length === 0 ? { ready: true } : { ready: false, reason: reasons.join('; ') };
    },

    async close() {
      for (const s of sessions.values()) s.close();
      cache.clear();
    },

    stats() {
      const byEndpoint: Record<string, number> = {};
      for (const s of sessions.values()) {
        for (const [endpoint, n] of s.requestCounts) byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + n;
      }
      return {
        requests: Object.values(byEndpoint).reduce((a, b) => a + b, 0),
        byEndpoint,
        coalesced: cache.coalesced,
        cacheEntries: cache.snapshot().length,
      };
    },

    loginFailures() {
      const out: { url: string; address: string; failure: LoginFailure }[] = [];
      for (const s of sessions.values()) {
        const failure = s.loginFailure();
        if (failure) out.push({ url: s.server.url, address: s.server.address ?? s.server.url, failure });
      }
      return out;
    },

    cacheSnapshot: () => cache.snapshot(),
  };
  return service;
}
