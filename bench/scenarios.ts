// The measurements of `npm run bench`, each a function so the smoke test can run them small.
import { randomUUID } from 'node:crypto';
import { admissionReview, externalSecret, secretStore } from './fixtures.js';
import { createAgent, postReview } from './client.js';
import { criticalPathRoundTrips, duplicateRequests } from './critical-path.js';
import { runLoad, type LoadResult } from './load.js';
import type { BenchWebhook } from './servers.js';

export function warmBodies(teams: number, apps: number): string[] {
  const bodies: string[] = [];
  for (let t = 0; t < teams; t++) {
    bodies.push(JSON.stringify(admissionReview(secretStore(t), randomUUID())));
    for (let a = 0; a < apps; a++) bodies.push(JSON.stringify(admissionReview(externalSecret(t, a), randomUUID())));
  }
  return bodies;
}

/** Sends every body once so the facts the load will need are cached. */
export async function warmUp(webhook: BenchWebhook, bodies: string[]): Promise<void> {
  const agent = createAgent(webhook.tls.current().ca ?? '', 8);
  for (const body of bodies) {
    const answer = await postReview(agent, webhook.port, JSON.parse(body));
    if (answer.status !== 200) throw new Error(`warm-up answered HTTP ${answer.status}`);
  }
  agent.destroy();
}

export async function throughput(port: number, bodies: string[], durationSeconds: number, connections: number, overallRate?: number): Promise<LoadResult> {
  return runLoad({ url: `https://127.0.0.1:${port}/validate`, bodies, connections, durationSeconds, ...(overallRate ? { overallRate } : {}) });
}

export interface ColdResult {
  latencyMs: number;
  vaultRequests: number;
  criticalPathRoundTrips: number;
  allowed: boolean;
}

/** One ExternalSecret against an empty cache (the webhook's own login done beforehand, as in a running pod). */
export async function coldAdmission(webhook: BenchWebhook, team: number, app: number): Promise<ColdResult> {
  await webhook.resetFacts();
  const agent = createAgent(webhook.tls.current().ca ?? '', 1);
  // Open the TLS connection first: the handshake is not Vault's cost.
  await postReview(agent, webhook.port, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'x', kind: { group: '', version: 'v1', kind: 'ConfigMap' }, operation: 'CREATE', object: {} } }).catch(() => undefined);
  const before = webhook.double.requests.length;
  const answer = await postReview(agent, webhook.port, admissionReview(externalSecret(team, app), randomUUID()));
  agent.destroy();
  const made = webhook.double.requests.slice(before).filter((r) => r.path !== '/v1/sys/health');
  return { latencyMs: answer.elapsedMs, vaultRequests: made.length, criticalPathRoundTrips: criticalPathRoundTrips(made), allowed: answer.body.response?.allowed === true };
}

export interface BurstResult {
  objects: number;
  concurrency: number;
  wallMs: number;
  notAnswered: number;
  failedOpen: number;
  vaultRequests: number;
  distinctVaultRequests: number;
  duplicateVaultRequests: number;
  p99Ms: number;
}

/** An Argo CD sync: `objects` distinct ExternalSecrets at `concurrency` against a cold cache. */
export async function burst(webhook: BenchWebhook, teams: number, apps: number, concurrency: number): Promise<BurstResult> {
  await webhook.resetFacts();
  const reviews: unknown[] = [];
  for (let t = 0; t < teams; t++) for (let a = 0; a < apps; a++) reviews.push(admissionReview(externalSecret(t, a), randomUUID()));
  const agent = createAgent(webhook.tls.current().ca ?? '', concurrency);
  const before = webhook.double.requests.length;
  const latencies: number[] = [];
  let notAnswered = 0;
  let failedOpen = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reviews.length) {
        const review = reviews[next++];
        try {
          const answer = await postReview(agent, webhook.port, review);
          latencies.push(answer.elapsedMs);
          if (answer.status !== 200) notAnswered += 1;
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
  return {
    objects: reviews.length,
    concurrency,
    wallMs,
    notAnswered,
    failedOpen,
    vaultRequests: dup.total,
    distinctVaultRequests: dup.distinct,
    duplicateVaultRequests: dup.duplicates,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
  };
}
