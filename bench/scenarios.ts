// The measurements of `npm run bench`, each a function so the smoke test can run them small.
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { admissionReview, externalSecret, secretStore } from './fixtures.js';
import { createAgent, postReview, type Posted } from './client.js';
import { causalRounds, duplicateRequests, requestKey } from './critical-path.js';
import { runLoad, type LoadResult, type LoadSpec } from './load.js';
import type { BenchWebhook } from './servers.js';

export function warmBodies(teams: number, apps: number): string[] {
  const bodies: string[] = [];
  for (let t = 0; t < teams; t++) {
    bodies.push(JSON.stringify(admissionReview(secretStore(t), randomUUID())));
    for (let a = 0; a < apps; a++) bodies.push(JSON.stringify(admissionReview(externalSecret(t, a), randomUUID())));
  }
  return bodies;
}

/** An answer is right when it is a 200 carrying an AdmissionReview for the request's uid. */
export function answersReview(answer: Posted, uid: string): boolean {
  return answer.status === 200 && answer.body.kind === 'AdmissionReview' && answer.body.response?.uid === uid;
}

/** Sends every body once so the facts the load will need are cached. */
export async function warmUp(webhook: BenchWebhook, bodies: string[]): Promise<void> {
  const agent = createAgent(webhook.tls.current().ca ?? '', 8);
  try {
    for (const body of bodies) {
      const review = JSON.parse(body) as { request: { uid: string } };
      const answer = await postReview(agent, webhook.port, review);
      if (!answersReview(answer, review.request.uid)) throw new Error(`warm-up: HTTP ${answer.status}, not an AdmissionReview for uid ${review.request.uid}`);
    }
  } finally {
    agent.destroy();
  }
}

export type LoadOptions = Omit<LoadSpec, 'url' | 'bodies'>;

export interface Throughput extends LoadResult {
  /** CPU of the process serving (webhook or echo server, and the idle Vault double), % of one core. */
  serverCpuPercent: number;
  /** That CPU divided by the answers: what one admission costs the server. */
  serverCpuUsPerRequest: number;
  /** Where a latency tail comes from: the serving process's event-loop stalls and GC pauses. */
  serverLoopDelayP99Ms: number;
  serverLoopDelayMaxMs: number;
  gcPauses: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

export async function throughput(port: number, bodies: string[], load: LoadOptions): Promise<Throughput> {
  const gcDurations: number[] = [];
  const gcObserver = new PerformanceObserver((list) => gcDurations.push(...list.getEntries().map((e) => e.duration)));
  gcObserver.observe({ entryTypes: ['gc'] });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await runLoad({ url: `https://127.0.0.1:${port}/validate`, bodies, ...load });
  const cpu = process.cpuUsage(cpuBefore);
  loopDelay.disable();
  gcObserver.disconnect();
  const cpuUs = cpu.user + cpu.system;
  const ms = (n: number) => Math.round(n * 10) / 10;
  return {
    ...result,
    serverLoopDelayP99Ms: ms(loopDelay.percentile(99) / 1e6),
    serverLoopDelayMaxMs: ms(loopDelay.max / 1e6),
    gcPauses: gcDurations.length,
    gcTotalMs: ms(gcDurations.reduce((a, b) => a + b, 0)),
    gcMaxMs: ms(Math.max(0, ...gcDurations)),
    serverCpuPercent: Math.round((cpuUs / 1000 / (performance.now() - wallBefore)) * 1000) / 10,
    serverCpuUsPerRequest: result.requests > 0 ? Math.round(cpuUs / result.requests) : 0,
  };
}

export interface ColdResult {
  latencyMs: number;
  vaultRequests: number;
  /** Round trips counted causally (lockstep answers, bench/critical-path.ts), in a second run of the same admission. */
  criticalPathRoundTrips: number;
  /** The requests answered in each lockstep round. */
  rounds: string[][];
  allowed: boolean;
  /** The Vault requests, in order, with their time relative to the first (ms): the waves. */
  requests: string[];
}

/**
 * One ExternalSecret of `team` (the webhook's own login done beforehand, as in a running pod).
 * `fresh`: against an empty facts cache; otherwise against whatever earlier admissions cached. The
 * admission is timed with the double's latency; then an admission in the same situation (fresh: the
 * same one from an empty cache again; else `countTeam`'s, another team not seen yet) runs with the
 * answers in lockstep rounds to count round trips.
 */
export async function coldAdmission(webhook: BenchWebhook, team: number, app: number, fresh = true, countTeam = team): Promise<ColdResult> {
  if (fresh) await webhook.resetFacts();
  const agent = createAgent(webhook.tls.current().ca ?? '', 1);
  // Open the TLS connection first: the handshake is not Vault's cost.
  const connect = () => postReview(agent, webhook.port, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', kind: { group: '', version: 'v1', kind: 'ConfigMap' }, operation: 'CREATE', object: {} } }).catch(() => undefined);
  await connect();
  const before = webhook.double.requests.length;
  const uid = randomUUID();
  const answer = await postReview(agent, webhook.port, admissionReview(externalSecret(team, app), uid));
  const made = webhook.double.requests.slice(before).filter((r) => r.path !== '/v1/sys/health');
  // The same admission again, from the same cache state, with causally counted round trips.
  if (fresh) await webhook.resetFacts();
  await connect();
  const counted = await causalRounds(webhook.double, () => postReview(agent, webhook.port, admissionReview(externalSecret(countTeam, app), randomUUID())));
  agent.destroy();
  const t0 = made[0]?.startedAtMs ?? 0;
  return {
    latencyMs: answer.elapsedMs,
    vaultRequests: made.length,
    criticalPathRoundTrips: counted.rounds,
    rounds: counted.byRound,
    allowed: answersReview(answer, uid) && answer.body.response?.allowed === true,
    requests: made.map((r) => `${(r.startedAtMs - t0).toFixed(0)}-${((r.endedAtMs ?? r.startedAtMs) - t0).toFixed(0)} ms ${r.method} ${r.path}`),
  };
}

export interface ColdSummary {
  /** Median over `samples` fresh-cache admissions of distinct teams. */
  latencyMs: number;
  criticalPathRoundTrips: number;
  samples: ColdResult[];
  /** A team's first ExternalSecret when another team's admission already cached the shared policy. */
  newTeamSharedPolicy: ColdResult;
  allowed: boolean;
}

/**
 * Cold = the facts cache is empty, not the process: one discarded admission first, so V8's lazy
 * compilation of the check code (tens of ms, once per process) is not counted as Vault's cost.
 */
export async function coldAdmissions(webhook: BenchWebhook, teams: number, samples: number): Promise<ColdSummary> {
  await coldAdmission(webhook, 0, 1);
  const results: ColdResult[] = [];
  for (let i = 1; i <= samples; i++) results.push(await coldAdmission(webhook, i % teams, 1));
  const newTeamSharedPolicy = await coldAdmission(webhook, (samples + 1) % teams, 1, false, (samples + 2) % teams);
  const sorted = [...results].sort((a, b) => a.latencyMs - b.latencyMs);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return {
    latencyMs: median.latencyMs,
    criticalPathRoundTrips: Math.max(...results.map((r) => r.criticalPathRoundTrips)),
    samples: results,
    newTeamSharedPolicy,
    allowed: results.every((r) => r.allowed) && newTeamSharedPolicy.allowed,
  };
}

export interface BurstResult {
  objects: number;
  concurrency: number;
  wallMs: number;
  /** Timeouts, connection errors and HTTP statuses other than 200. */
  notAnswered: number;
  /** 200s that are not an AdmissionReview for the request's uid. */
  uidMismatches: number;
  /** Answers decided by the failure mode because Vault could not be asked in time. */
  failedOpen: number;
  vaultRequests: number;
  distinctVaultRequests: number;
  duplicateVaultRequests: number;
  p50Ms: number;
  p99Ms: number;
}

/** An Argo CD sync: `objects` distinct ExternalSecrets at `concurrency` against a cold cache. */
export async function burst(webhook: BenchWebhook, teams: number, apps: number, concurrency: number): Promise<BurstResult> {
  await webhook.resetFacts();
  const reviews: { uid: string; review: unknown }[] = [];
  for (let t = 0; t < teams; t++) {
    for (let a = 0; a < apps; a++) {
      const uid = randomUUID();
      reviews.push({ uid, review: admissionReview(externalSecret(t, a), uid) });
    }
  }
  const agent = createAgent(webhook.tls.current().ca ?? '', concurrency);
  const before = webhook.double.requests.length;
  const latencies: number[] = [];
  let notAnswered = 0;
  let uidMismatches = 0;
  let failedOpen = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reviews.length) {
        const { uid, review } = reviews[next++]!;
        try {
          const answer = await postReview(agent, webhook.port, review);
          latencies.push(answer.elapsedMs);
          if (answer.status !== 200) notAnswered += 1;
          else if (!answersReview(answer, uid)) uidMismatches += 1;
          else if ((answer.body.response?.warnings ?? []).some((w) => /could not complete its checks|Not checked against Vault/.test(w))) failedOpen += 1;
        } catch {
          notAnswered += 1;
        }
      }
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  const made = webhook.double.requests.slice(before).filter((r) => r.path !== '/v1/sys/health');
  const dup = duplicateRequests(made);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    objects: reviews.length,
    concurrency,
    wallMs,
    notAnswered,
    uidMismatches,
    failedOpen,
    vaultRequests: dup.total,
    distinctVaultRequests: dup.distinct,
    duplicateVaultRequests: dup.duplicates,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

export interface VaultTrafficResult {
  objects: number;
  secrets: number;
  /** Every request the webhook made from a fresh start of its Vault layer (health and its own token included). */
  requests: number;
  distinct: number;
  /** The distinct requests, for the record. */
  distinctRequests: string[];
}

/**
 * `objects` ExternalSecrets of one team over `secrets` secrets behind its one store, from a fresh
 * Vault layer (a pod that just started), `concurrency` at a time: how many distinct requests Vault
 * sees. The minimum is one per distinct fact: health, the webhook's token, the role, its auth mount
 * list and config, each policy, each mount, each secret.
 */
export async function vaultTraffic(webhook: BenchWebhook, objects: number, secrets: number, concurrency: number): Promise<VaultTrafficResult> {
  const before = webhook.double.requests.length;
  await webhook.resetFacts();
  const reviews = Array.from({ length: objects }, (_, i) => {
    const es = externalSecret(0, i % secrets) as { metadata: Record<string, unknown>; spec: { data: unknown[] } };
    // One secret per object: its own data entries (the bench object also reads app-0; keep only its own secret).
    const own = { ...es, metadata: { ...es.metadata, name: `es-${i}` }, spec: { ...es.spec, data: es.spec.data.slice(0, 3) } };
    return admissionReview(own, randomUUID());
  });
  const agent = createAgent(webhook.tls.current().ca ?? '', concurrency);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < reviews.length) await postReview(agent, webhook.port, reviews[next++]);
  }));
  agent.destroy();
  const made = webhook.double.requests.slice(before);
  const distinctRequests = [...new Set(made.map(requestKey))].sort();
  return { objects, secrets, requests: made.length, distinct: distinctRequests.length, distinctRequests };
}
