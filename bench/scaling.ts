// The scaling curve: p99 latency and server CPU per admission at a fixed request rate with 10, 100,
// 1,000 and 10,000 distinct ExternalSecrets whose facts are all cached (every admission fully
// checked: checks.reuseResultsMs 0, so reuse cannot hide the cache's size), and the memory a
// cached secret path costs.
import { randomUUID } from 'node:crypto';
import { admissionReview, benchState, externalSecret } from './fixtures.js';
import { createAgent, postReview } from './client.js';
import { measureRss, type RssResult } from './rss.js';
import { answersReview, throughput } from './scenarios.js';
import { startBenchWebhook } from './servers.js';

export interface ScalingPoint {
  /** Distinct ExternalSecrets cycled through (each with its facts cached). */
  objects: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (webhook and idle Vault double) per admission at the fixed rate. */
  cpuUsPerAdmission: number;
  requests: number;
}

export interface ScalingResult {
  rate: number;
  seconds: number;
  points: ScalingPoint[];
  /** RSS of a fresh process holding N cached secret paths (bench/rss-worker.ts), per N. */
  rss: (RssResult & { paths: number })[];
  /** RSS added per cached path between the two largest sizes. */
  rssBytesPerPath: number;
}

export async function scalingCurve(sizes: number[], rate: number, seconds: number, log: (line: string) => void = () => {}): Promise<ScalingResult> {
  const largest = Math.max(...sizes);
  const apps = Math.min(100, largest);
  const teams = Math.ceil(largest / apps);
  const webhook = await startBenchWebhook({ state: benchState(teams, apps), teams, latencyMs: 0 });
  const points: ScalingPoint[] = [];
  try {
    webhook.setReuseResultsMs(0);
    const bodies: string[] = [];
    for (let i = 0; i < largest; i++) bodies.push(JSON.stringify(admissionReview(externalSecret(Math.floor(i / apps), i % apps), randomUUID())));
    let warmed = 0;
    const agent = createAgent(webhook.tls.current().ca ?? '', 50);
    try {
      for (const n of [...sizes].sort((a, b) => a - b)) {
        log(`scaling: ${n} ExternalSecrets ...`);
        // Cache the facts of the objects not seen yet (50 at a time, as an Argo CD sync would).
        const fill = bodies.slice(warmed, n);
        let next = 0;
        await Promise.all(Array.from({ length: 50 }, async () => {
          while (next < fill.length) {
            const review = JSON.parse(fill[next++]!) as { request: { uid: string } };
            const answer = await postReview(agent, webhook.port, review);
            if (!answersReview(answer, review.request.uid)) throw new Error(`scaling warm-up: HTTP ${answer.status}`);
          }
        }));
        warmed = Math.max(warmed, n);
        const load = await throughput(webhook.port, bodies.slice(0, n), { connections: 50, durationSeconds: seconds, pacedRate: rate, caPem: webhook.tls.current().ca ?? '', verifyUid: false });
        points.push({ objects: n, p50Ms: load.latencyP50Ms, p99Ms: load.latencyP99Ms, cpuUsPerAdmission: load.serverCpuUsPerRequest, requests: load.requests });
      }
    } finally {
      agent.destroy();
    }
  } finally {
    await webhook.close();
  }
  const rss: ScalingResult['rss'] = [];
  for (const n of sizes) {
    log(`scaling: RSS with ${n} cached paths ...`);
    const a = Math.min(100, n);
    rss.push(await measureRss(Math.ceil(n / a), a));
  }
  const [small, big] = [...rss].sort((a, b) => a.paths - b.paths).slice(-2);
  const rssBytesPerPath = small && big && big.paths > small.paths ? Math.round(((big.rssAfterMb - small.rssAfterMb) * 1024 * 1024) / (big.paths - small.paths)) : 0;
  return { rate, seconds, points, rss, rssBytesPerPath };
}
