// Shared set-up of the audit tests: the Vault double seeded with the platform-team example, the
// Kubernetes double holding its namespaces, stores and chosen ExternalSecrets, and one audit
// instance wired as the server wires it (own informers, Vault facts, Event recorder, Lease).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { KubeConfig } from '@kubernetes/client-node';
import { createAudit, type Audit } from '../../src/audit/index.js';
import { createKubeTemplateSources } from '../../src/kube/template-source.js';
import { createEventRecorder, createKubeState, createLeaderElector, type KubeState, type LeaderElector } from '../../src/kube/index.js';
import type { VaultFacts } from '../../src/vault/facts.js';
import { createVaultFacts, type VaultFactsService } from '../../src/vault/index.js';
import type { KubeDouble, KubeObject } from '../support/kube-double.js';
import { webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { waitFor } from '../support/kube-wait.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';

export const EXAMPLE = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
export const VAULT_STATE = join(EXAMPLE, 'vault-state.json');
export type Obj = Record<string, unknown>;

const manifests = parseAllDocuments(readFileSync(join(EXAMPLE, 'manifests.yaml'), 'utf8'))
  .map((d) => d.toJS() as unknown)
  .filter((d): d is Obj => d !== null && typeof d === 'object');

export function manifest(kind: string, name: string, namespace?: string): KubeObject {
  const found = manifests.find((o) => {
    const m = o['metadata'] as { name?: string; namespace?: string };
    return o['kind'] === kind && m.name === name && (namespace === undefined || m.namespace === namespace);
  });
  assert.ok(found, `${kind} ${name} in the example`);
  return structuredClone(found) as KubeObject;
}

/** Namespaces and the team-a store: what every audit test needs around its ExternalSecrets. */
export function baseObjects(): KubeObject[] {
  return [manifest('Namespace', 'team-a'), manifest('SecretStore', 'vault', 'team-a')];
}

/** api-db reduced to one data entry, so one drift gives exactly one finding. */
export function apiDbSingle(): KubeObject {
  const es = manifest('ExternalSecret', 'api-db');
  const spec = es['spec'] as { data: unknown[] };
  spec.data = spec.data.slice(0, 1);
  return es;
}

export interface CountingFacts {
  facts: VaultFacts;
  calls(): number;
}

/** Counts every lookup the audit asks of Vault facts (a follower must ask none). */
export function countingFacts(inner: VaultFacts): CountingFacts {
  let calls = 0;
  const facts = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { facts, calls: () => calls };
}

export interface AuditInstance {
  audit: Audit;
  state: KubeState;
  leader: LeaderElector;
  registry: Registry;
  vaultFacts: VaultFactsService;
  counting: CountingFacts;
  close(): Promise<void>;
}

export interface InstanceOptions {
  identity: string;
  kubeConfig?: KubeConfig;
  intervalMs?: number;
  leaseDurationMs?: number;
  /** The Lease's clock (renewTime, expiry): the test decides when a Lease expires. */
  now?: () => number;
}

export const LEASE = { namespace: 'eso-system', name: 'eso-vault-guard-audit' };

export async function startInstance(vault: VaultDouble, kube: KubeDouble, opts: InstanceOptions): Promise<AuditInstance> {
  const logger = pino({ level: 'silent' });
  const registry = new Registry();
  const kubeConfig = opts.kubeConfig ?? kube.kubeConfig;
  // No fact caching: each pass must see Vault as it is now (the default TTLs are far below the pass interval).
  const vaultFacts = createVaultFacts(
    webhookVaultConfig(vault, { cache: { policyTtlMs: 0, roleTtlMs: 0, mountTtlMs: 0, secretTtlMs: 0, negativeTtlMs: 0, maxEntries: 1000 } }),
    { logger, registry },
  );
  await vaultFacts.start();
  const counting = countingFacts(vaultFacts);
  const state = createKubeState(kubeConfig, { logger });
  state.start();
  await waitFor('informers synced', () => state.hasSynced());
  // dedupeWindowMs 0: the recorder sends everything, so the tests see the audit's own de-duplication.
  const events = createEventRecorder(kubeConfig, { component: 'eso-vault-guard', logger, dedupeWindowMs: 0 });
  const leaseDurationMs = opts.leaseDurationMs ?? 1000;
  const leader = createLeaderElector(kubeConfig, { ...LEASE, identity: opts.identity, leaseDurationMs, renewMs: 200, logger, ...(opts.now ? { now: opts.now } : {}) });
  const audit = createAudit({
    kubeConfig, state, facts: counting.facts, events, leader, registry, logger,
    controllerServiceAccount: { name: 'external-secrets', namespace: 'external-secrets' },
    defaultAudiences: ['https://kubernetes.default.svc.cluster.local'],
    intervalMs: opts.intervalMs ?? 60_000,
    objectsPerSecond: 200,
    deadlineMsPerObject: 5_000,
    templateSources: createKubeTemplateSources(kubeConfig, { enabled: true }),
  });
  return {
    audit, state, leader, registry, vaultFacts, counting,
    async close() {
      await audit.close();
      await leader.stop();
      await state.close();
      await vaultFacts.close();
    },
  };
}

export interface EventView {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export function eventsIn(kube: KubeDouble, namespace: string): EventView[] {
  return kube.list('v1', 'Event', namespace) as unknown as EventView[];
}

/** The gauge's value for one label set, or undefined when the series is absent. */
export async function findingsGauge(registry: Registry, code: string, namespace: string): Promise<number | undefined> {
  const metric = registry.getSingleMetric('eso_vault_guard_audit_findings');
  assert.ok(metric, 'the findings gauge is registered');
  const data = await metric.get();
  return data.values.find((v) => v.labels['code'] === code && v.labels['namespace'] === namespace)?.value;
}

export async function metricTotal(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  assert.ok(metric, `${name} is registered`);
  const data = await metric.get();
  return data.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((sum, v) => sum + v.value, 0);
}

/** A TCP relay to the Kubernetes double that the test can cut, as a network partition would. */
export interface Relay {
  kubeConfig: KubeConfig;
  cut(): Promise<void>;
}

export async function startRelay(kube: KubeDouble): Promise<Relay> {
  const target = new URL(kube.url);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfigYaml.replace(kube.url, `https://127.0.0.1:${port}`));
  let closed: Promise<void> | undefined;
  return {
    kubeConfig,
    cut() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}
