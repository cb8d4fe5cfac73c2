// The live VaultFacts: one session per configured server, a shared fact cache with coalescing,
// and per-fact request/answer mapping. Every lookup honours the admission's deadline.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { normaliseServerUrl, type VaultClientConfig } from './config.js';
import { FactCache, type FactKind } from './fact-cache.js';
import {
  absentSecret, authMountTable, classify, dataOf, longestMount, mountTable, presentSecret, toKvMetadata, toMountFact, withoutCredentials,
} from './fact-mapping.js';
import type { AuthMountFact, Fact, FactOptions, KvMetadataFact, KvMountFact, SecretReadFact, VaultFacts } from './facts.js';
import { METADATA_ONLY_DETAIL } from './facts.js';
import { createVaultMetrics } from './metrics.js';
import { VaultServerSession } from './server-session.js';
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
  start(): Promise<void>;
  ready(): { ready: boolean; reason?: string };
  close(): Promise<void>;
  stats(): VaultFactsStats;
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

export function createVaultFacts(config: VaultClientConfig, deps: { logger: Logger; registry: Registry }): VaultFactsService {
  const logger = deps.logger.child({ component: 'vault' });
  const metrics = createVaultMetrics(deps.registry);
  const cache = new FactCache(config.cache, metrics);
  const sessions = new Map<string, VaultServerSession>();
  for (const server of config.servers) {
    sessions.set(normaliseServerUrl(server.url), new VaultServerSession(server, config, metrics, logger));
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
    });
  }

  const get = (session: VaultServerSession, endpoint: string, path: string, namespace: string | undefined, deadlineAtMs: number, query?: Record<string, string>) =>
    session.call(endpoint, { method: 'GET', path, namespace, ...(query ? { query } : {}) }, { deadlineAtMs });

  const service: VaultFactsService = {
    metadataOnly: config.metadataOnly,

    isConfigured: (server) => sessions.has(normaliseServerUrl(server)),

    mountForPath(server, path, opts) {
      const clean = trimSlashes(path);
      return lookup<KvMountFact>('mount', server, `path:${clean}`, opts, `GET sys/internal/ui/mounts/${clean}`, async (session, ns, source) => {
        const preflight = await get(session, 'sys.internal.ui.mounts', `sys/internal/ui/mounts/${clean}`, ns, opts.deadlineAtMs);
        const first = classify<KvMountFact>(preflight, source, (body) => {
          const data = dataOf(body);
          if (!data || typeof data.path !== 'string') return { status: 'not_found', source };
          return { status: 'ok', value: toMountFact(data.path, data), source };
        });
        // The preflight answers 403 both for "no access under the mount" and "no such mount"
        // (and old servers 404): the mount table decides.
        if (first.status !== 'forbidden' && first.status !== 'not_found' && !(first.status === 'unavailable' && preflight.kind === 'answer' && preflight.status === 400)) return first;
        const fallbackSource = `GET sys/mounts (sys/internal/ui/mounts/${clean} gave ${first.status})${ns ? ` [namespace ${ns}]` : ''}`;
        const table = await lookup<Record<string, KvMountFact>>('mount', server, 'table', opts, 'GET sys/mounts', async (s, n, src) =>
          classify(await get(s, 'sys.mounts', 'sys/mounts', n, opts.deadlineAtMs), src, (body) => ({ status: 'ok', value: mountTable(body), source: src })));
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
        classify(await get(session, 'sys.auth', 'sys/auth', ns, opts.deadlineAtMs), source, (body) => ({ status: 'ok', value: authMountTable(body), source })));
    },

    authRole(server, mountPath, role, opts) {
      const path = `auth/${trimSlashes(mountPath)}/role/${role}`;
      return lookup<Record<string, unknown>>('auth_role', server, path, opts, `GET ${path}`, async (session, ns, source) =>
        classify<Record<string, unknown>>(await get(session, 'auth.role', path, ns, opts.deadlineAtMs), source, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: data, source } : { status: 'not_found', source };
        }));
    },

    authConfig(server, mountPath, opts) {
      const path = `auth/${trimSlashes(mountPath)}/config`;
      return lookup<Record<string, unknown>>('auth_config', server, path, opts, `GET ${path}`, async (session, ns, source) =>
        classify<Record<string, unknown>>(await get(session, 'auth.config', path, ns, opts.deadlineAtMs), source, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: withoutCredentials(data), source } : { status: 'not_found', source };
        }));
    },

    policyText(server, name, opts) {
      const path = `sys/policies/acl/${name}`;
      return lookup<string>('policy', server, path, opts, `GET ${path}`, async (session, ns, source) =>
        classify<string>(await get(session, 'sys.policies.acl', path, ns, opts.deadlineAtMs), source, (body) => {
          const policy = dataOf(body)?.policy;
          return typeof policy === 'string' ? { status: 'ok', value: policy, source } : { status: 'not_found', source };
        }));
    },

    kvMetadata(server, metadataPath, opts) {
      const path = trimSlashes(metadataPath);
      return lookup<KvMetadataFact>('kv_metadata', server, path, opts, `GET ${path}`, async (session, ns, source) =>
        classify<KvMetadataFact>(await get(session, 'kv2.metadata', path, ns, opts.deadlineAtMs), source, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: toKvMetadata(data), source } : { status: 'not_found', source };
        }));
    },

    readSecretShape(server, dataPath, version, opts) {
      const path = trimSlashes(dataPath);
      const describe = `GET ${path}${version ? `?version=${version}` : ''}`;
      if (config.metadataOnly) {
        if (!service.isConfigured(server)) return Promise.resolve({ status: 'not_configured', source: describe, server });
        return Promise.resolve({ status: 'unavailable', source: `${describe} (not sent)`, detail: METADATA_ONLY_DETAIL });
      }
      const endpoint = opts.kvVersion === '2' ? 'kv2.data' : 'kv1.data';
      return lookup<SecretReadFact>('secret_shape', server, `${opts.kvVersion}|${path}|${version ?? ''}`, opts, describe, async (session, ns, source) =>
        classify(
          await get(session, endpoint, path, ns, opts.deadlineAtMs, version ? { version } : undefined),
          source,
          (body) => ({ status: 'ok', value: presentSecret(body, opts.kvVersion), source }),
          (body) => ({ status: 'ok', value: absentSecret(body), source }),
        ));
    },

    listKeys(server, listPath, opts) {
      const path = trimSlashes(listPath);
      return lookup<string[]>('list_keys', server, path, opts, `LIST ${path}`, async (session, ns, source) =>
        classify<string[]>(await get(session, 'kv.list', path, ns, opts.deadlineAtMs, { list: 'true' }), source, (body) => {
          const keys = dataOf(body)?.keys;
          return Array.isArray(keys)
            ? { status: 'ok', value: keys.filter((k): k is string => typeof k === 'string'), source }
            : { status: 'not_found', source };
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

    cacheSnapshot: () => cache.snapshot(),
  };
  return service;
}
