// The live VaultFacts: one session per configured server, a shared fact cache with coalescing,
// and per-fact request/answer mapping. Every lookup honours the admission's deadline.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { normaliseServerUrl, type VaultClientConfig } from './config.js';
import { FactCache, raceDeadline, type FactKind } from './fact-cache.js';
import {
  absentSecret, authMountTable, classify, dataOf, longestMount, mountTable, notVaultAnswer, presentSecret, presentSubkeys, toKvMetadata, toMountFact,
  withoutCredentials,
} from './fact-mapping.js';
import type { AuthMountFact, Fact, FactOptions, KvConfigFact, KvMetadataFact, KvMountFact, RequestBudget, SecretReadFact, VaultFacts } from './facts.js';
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

/** Answers derived from a known mount kept for reuse (they hold no more than a path and the mount fact). */
const DERIVED_MOUNTS_MAX = 20_000;

/** A cached answer an object took, kept on its budget by the fact's key (see lookup). */
interface SharedHit {
  server: string;
  namespace: string | undefined;
  answer: Promise<Fact<unknown>>;
}

const trimSlashes = (p: string) => (p.startsWith('/') || p.endsWith('/') ? p.replace(/^\/+|\/+$/g, '') : p);
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
  const sessionIds = new Map<VaultServerSession, string>();
  for (const server of config.servers) {
    const session = new VaultServerSession(server, config, metrics, logger, deps.now);
    sessions.set(normaliseServerUrl(server.url), session);
    sessionIds.set(session, `s${sessionIds.size}`);
  }

  /** Key prefixes by session and namespace, built once (`s0|ns|`). */
  const prefixes = new Map<VaultServerSession, Map<string, string>>();
  const prefixOf = (session: VaultServerSession, namespace: string | undefined): string => {
    let byNamespace = prefixes.get(session);
    if (!byNamespace) prefixes.set(session, (byNamespace = new Map()));
    let prefix = byNamespace.get(namespace ?? '');
    if (prefix === undefined) {
      if (byNamespace.size >= 1_000) byNamespace.clear();
      byNamespace.set(namespace ?? '', (prefix = `${sessionIds.get(session)}|${namespace ?? ''}|`));
    }
    return prefix;
  };

  /**
   * The answer this object already took for `key` (see lookup), or undefined: asked first by the
   * lookups its references repeat, before they build the request closures a miss needs.
   */
  function sharedHit<T>(kind: FactKind, server: string, key: string, opts: FactOptions): Promise<Fact<T>> | undefined {
    const seen = opts.budget?.hits.get(key) as SharedHit | undefined;
    // Kept by the fact's own key: the same server (as the store names it) and namespace make it the same fact.
    if (!seen || seen.server !== server || seen.namespace !== opts.namespace) return undefined;
    metrics.countCacheHit(kind);
    return seen.answer as Promise<Fact<T>>;
  }
  const keepShared = (opts: FactOptions, server: string, key: string, answer: Promise<Fact<unknown>>): void => {
    opts.budget?.hits.set(key, { server, namespace: opts.namespace, answer } satisfies SharedHit);
  };

  /**
   * Runs one fact lookup: server resolution, cache and coalescing, then the Vault request(s).
   * `key` names the fact by its inputs; `describe` (the request as a fact's source) is built only on
   * a miss, so a cached fact costs a key and a Map lookup.
   */
  function lookup<T>(
    kind: FactKind,
    server: string,
    key: string,
    opts: FactOptions,
    describe: () => string,
    run: (session: VaultServerSession, namespace: string | undefined, source: string, keyPrefix: string) => Promise<Fact<T>>,
    /** A fact that follows from other cached facts, asked on a miss before Vault is. */
    derive?: (keyPrefix: string) => Fact<T> | undefined,
  ): Promise<Fact<T>> {
    const url = normaliseServerUrl(server);
    const session = sessions.get(url);
    if (!session) return Promise.resolve({ status: 'not_configured', source: describe(), server });
    const namespace = opts.namespace || session.server.namespace || undefined;
    // The server by its short id: a shorter key is hashed faster on every lookup.
    const keyPrefix = prefixOf(session, namespace);
    const cacheKey = `${keyPrefix}${key}`;
    // The references of one object that read the same fact (four entries of one secret) take the
    // answer the first one found in the cache: one cache lookup per object, not per reference. Only
    // answers already in the cache are shared, so on a cold cache every lookup is charged to the
    // object's budget exactly as before.
    const seen = sharedHit<T>(kind, server, key, opts);
    if (seen) return seen;
    const stored = cache.hit<T>(kind, cacheKey);
    if (stored) {
      keepShared(opts, server, key, stored);
      return stored;
    }
    const hit = cache.joinInFlight<T>(kind, cacheKey, opts.deadlineAtMs);
    if (hit) return hit;
    // Not stored under this key: it lives exactly as long as the facts it follows from, and one
    // cached mount does not become an entry per path (10,000 paths would crowd out the secrets).
    const derived = derive?.(keyPrefix);
    if (derived) {
      const answer = Promise.resolve(derived);
      keepShared(opts, server, key, answer);
      return answer;
    }
    const described = describe();
    const source = namespace ? `${described} [namespace ${namespace}]` : described;
    return cache.get(kind, cacheKey, opts.deadlineAtMs, async () => {
      const fact = await run(session, namespace, source, keyPrefix);
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
  /** Mount lookups being asked, by server, namespace and first path segment. */
  const mountsInFlight = new Map<string, Promise<Fact<KvMountFact>>>();
  /** The mount serving `path` when a mount at one of its prefixes is cached (`kv/dev/` for `kv/dev/data/x`). */
  const knownMount = (keyPrefix: string, path: string): Fact<KvMountFact> | undefined => {
    const wanted = `${path}/`;
    for (let end = wanted.indexOf('/'); end >= 0; end = wanted.indexOf('/', end + 1)) {
      const found = cache.entry<KvMountFact>('mount', `${keyPrefix}mount:${wanted.slice(0, end + 1)}`);
      if (found?.status !== 'ok') continue;
      // One answer object per path and mount fact, not one per admission.
      const key = `${keyPrefix}${path}`;
      const seen = derivedMounts.get(key);
      if (seen?.from === found) return seen.fact;
      const source = `${found.source.replace(/ \(cache\)$/, '')}, whose mount ${found.value.mountPath} serves ${path} (cache)`;
      const fact: Fact<KvMountFact> = { ...found, source };
      if (derivedMounts.size >= DERIVED_MOUNTS_MAX) derivedMounts.clear();
      derivedMounts.set(key, { from: found, fact });
      return fact;
    }
    return undefined;
  };
  const derivedMounts = new Map<string, { from: Fact<KvMountFact>; fact: Fact<KvMountFact> }>();
  const valueMounts = new Map<string, Set<string>>();
  for (const server of config.servers) {
    valueMounts.set(normaliseServerUrl(server.url), new Set((server.valueReadMounts ?? []).map((m) => `${trimSlashes(m)}/`)));
  }
  // Usually no server reads values anywhere: then nothing to normalise per read.
  const anyValueMounts = [...valueMounts.values()].some((mounts) => mounts.size > 0);
  const readsValues = (server: string, mount: string): boolean =>
    anyValueMounts && (valueMounts.get(normaliseServerUrl(server))?.has(`${trimSlashes(mount)}/`) ?? false);

  const service: VaultFactsService = {
    metadataOnly: config.metadataOnly,
    readsValues,

    isConfigured: (server) => sessions.has(normaliseServerUrl(server)),
    flavour: (server) => sessions.get(normaliseServerUrl(server))?.flavour ?? 'vault',

    openBudget: (deadlineAtMs) => scheduler.open(deadlineAtMs),

    mountForPath(server, path, opts) {
      const clean = trimSlashes(path);
      const again = sharedHit<KvMountFact>('mount', server, `path:${clean}`, opts);
      if (again) return again;
      const target: VaultEndpoint = { family: 'sys.internal.ui.mounts', secretPath: clean };
      // Vault forbids nested mounts, so a path below a mount already looked up is served by that
      // mount, and Vault would answer the webhook exactly that for it: one lookup per mount, not per
      // path. Only what the webhook's own identity learnt is reused (mount facts never depend on
      // a store's identity); whether a store may learn it is still decided per reference.
      const known = (keyPrefix: string) => knownMount(keyPrefix, clean);
      return lookup<KvMountFact>('mount', server, `path:${clean}`, opts, () => describe('GET', target), async (session, ns, source, keyPrefix) => {
        // A lookup of a path with the same first segment in flight is probably the same mount: wait for it.
        const group = `${keyPrefix}${clean.split('/')[0] ?? ''}`;
        const running = mountsInFlight.get(group);
        if (running) {
          await raceDeadline(running, opts.deadlineAtMs, source);
          const meanwhile = known(keyPrefix);
          if (meanwhile) return meanwhile;
          if (Date.now() >= opts.deadlineAtMs) return { status: 'timeout', source };
        }
        const asked = askMount(session, ns, source);
        mountsInFlight.set(group, asked);
        try {
          const fact = await asked;
          if (fact.status === 'ok') cache.put('mount', `${keyPrefix}mount:${fact.value.mountPath}`, fact);
          return fact;
        } finally {
          if (mountsInFlight.get(group) === asked) mountsInFlight.delete(group);
        }
      }, known);

      async function askMount(session: VaultServerSession, ns: string | undefined, source: string): Promise<Fact<KvMountFact>> {
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
        const table = await lookup<Record<string, KvMountFact>>('mount', server, 'table', inSlot, () => 'GET sys/mounts', async (s, n, src) =>
          classify(await get(s, { family: 'sys.mounts' }, n, opts.deadlineAtMs), src, (body) => mountTable(body, src)));
        if (table.status !== 'ok') {
          if (table.status === 'forbidden' && first.status === 'forbidden') {
            return { status: 'forbidden', source: fallbackSource, detail: `${first.detail}; sys/mounts is denied too` };
          }
          return { ...table, source: fallbackSource };
        }
        const mount = longestMount(table.value, clean);
        return mount ? { status: 'ok', value: mount, source: fallbackSource } : { status: 'not_found', source: fallbackSource };
      }
    },

    authMounts(server, opts) {
      return lookup<Record<string, AuthMountFact>>('auth_mounts', server, 'sys/auth', opts, () => 'GET sys/auth', async (session, ns, source) =>
        classify(await get(session, { family: 'sys.auth' }, ns, opts.deadlineAtMs), source, (body) => authMountTable(body, source)));
    },

    authRole(server, mountPath, role, opts) {
      const target: VaultEndpoint = { family: 'auth.role', mount: trimSlashes(mountPath), role };
      return lookup<Record<string, unknown>>('auth_role', server, `role:${target.mount}\u0000${role}`, opts, () => describe('GET', target), async (session, ns, src) =>
        classify<Record<string, unknown>>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: data, source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    authConfig(server, mountPath, opts) {
      const target: VaultEndpoint = { family: 'auth.config', mount: trimSlashes(mountPath) };
      return lookup<Record<string, unknown>>('auth_config', server, `config:${target.mount}`, opts, () => describe('GET', target), async (session, ns, src) =>
        classify<Record<string, unknown>>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: withoutCredentials(data), source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    policyText(server, name, opts) {
      const target: VaultEndpoint = { family: 'sys.policies.acl', name };
      return lookup<string>('policy', server, `policy:${name}`, opts, () => describe('GET', target), async (session, ns, src) =>
        classify<string>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const policy = dataOf(body)?.policy;
          return typeof policy === 'string' ? { status: 'ok', value: policy, source: src } : notVaultAnswer(src, 'no data.policy');
        }));
    },

    kvConfig(server, mount, opts) {
      const target: VaultEndpoint = { family: 'kv2.config', mount };
      return lookup<KvConfigFact>('kv_config', server, `kvconfig:${trimSlashes(mount)}`, opts, () => describe('GET', target), async (session, ns, src) =>
        classify<KvConfigFact>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          if (!data || typeof data.cas_required !== 'boolean') return notVaultAnswer(src, 'no data.cas_required');
          return { status: 'ok', value: { casRequired: data.cas_required, ...(typeof data.metadata_cas_required === 'boolean' ? { metadataCasRequired: data.metadata_cas_required } : {}) }, source: src };
        }));
    },

    kvMetadata(server, at, opts) {
      const target: VaultEndpoint = { family: 'kv2.metadata', mount: at.mount, secretPath: at.secretPath };
      return lookup<KvMetadataFact>('kv_metadata', server, `meta:${at.mount}\u0000${at.secretPath}`, opts, () => describe('GET', target), async (session, ns, src) =>
        classify<KvMetadataFact>(await get(session, target, ns, opts.deadlineAtMs), src, (body) => {
          const data = dataOf(body);
          return data ? { status: 'ok', value: toKvMetadata(data), source: src } : notVaultAnswer(src, 'no data');
        }));
    },

    readSecretShape(server, at, version, opts) {
      const values = readsValues(server, at.mount);
      const family = opts.kvVersion === '1' ? 'kv1.data' : values ? 'kv2.data' : 'kv2.subkeys';
      // The fact another reference of this object already took: before the request is even described.
      const key = `${family}:${at.mount}\u0000${at.secretPath}\u0000${version ?? ''}`;
      if (!config.metadataOnly && (opts.kvVersion !== '1' || values)) {
        const again = sharedHit<SecretReadFact>('secret_shape', server, key, opts);
        if (again) return again;
      }
      const target: VaultEndpoint = family === 'kv1.data'
        ? { family, mount: at.mount, secretPath: at.secretPath }
        : { family, mount: at.mount, secretPath: at.secretPath, ...(version !== undefined ? { version } : {}) };
      if (config.metadataOnly || (opts.kvVersion === '1' && !values)) {
        const source = describe('GET', target);
        if (!service.isConfigured(server)) return Promise.resolve({ status: 'not_configured', source, server });
        return Promise.resolve({ status: 'unavailable', source: `${source} (not sent)`, detail: config.metadataOnly ? METADATA_ONLY_DETAIL : VALUES_NOT_READ_DETAIL });
      }
      return lookup<SecretReadFact>('secret_shape', server, key, opts, () => describe('GET', target), async (session, ns, src) =>
        classify(
          await get(session, target, ns, opts.deadlineAtMs),
          src,
          (body) => target.family === 'kv2.subkeys' ? presentSubkeys(body, src) : presentSecret(body, opts.kvVersion, src),
          (body) => absentSecret(body, src),
        ));
    },

    listKeys(server, at, opts) {
      const target: VaultEndpoint = { family: 'kv.list', kvVersion: at.kvVersion, mount: at.mount, folder: at.folder };
      return lookup<string[]>('list_keys', server, `list:${at.kvVersion}:${at.mount}\u0000${at.folder}`, opts, () => describe('LIST', target), async (session, ns, src) =>
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
