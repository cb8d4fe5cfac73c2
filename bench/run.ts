// `npm run bench`: every figure of issues 9 and 19 with its target, printed and written to
// <repo>/bench/results/latest.json, and the scaling curve drawn to docs/performance-scaling.svg.
// Not part of `npm test` (the smoke test runs the same code small).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../test/support/paths.js';
import { runAclBench } from './acl-eval.js';
import { benchState } from './fixtures.js';
import { measureRss } from './rss.js';
import { burst, coldAdmissions, throughput, vaultTraffic, warmBodies, warmUp, type LoadOptions, type Throughput } from './scenarios.js';
import { scalingCurve } from './scaling.js';
import { writeScalingPlot } from './plot.js';
import { measureHandlerCost } from './handler-cost.js';
import { startBenchWebhook, startEchoServer, startServerLayerOnly } from './servers.js';

export interface BenchPlan {
  /** Vault state and burst size: teams × apps ExternalSecrets. */
  teams: number;
  apps: number;
  /** Injected by the Vault double before every answer. */
  latencyMs: number;
  coldSamples: number;
  /** The warm load cycles over warmTeams SecretStores and warmTeams × warmApps ExternalSecrets. */
  warmTeams: number;
  warmApps: number;
  /** Length of each max-rate and fixed-rate load run. */
  durationSeconds: number;
  /** Stop each load run after this many requests instead (smoke test). */
  amount?: number;
  connections: number;
  fixedRate: number;
  burstConcurrency: number;
  rssTeams: number;
  rssApps: number;
  aclIterations: number;
  /** In-process validate calls per kind for the checks' own cost. */
  handlerIterations: number;
  /** CPU spent warming the checks up before they are measured (JIT tiers). */
  handlerWarmUpCpuMs?: number;
  /** Check every load answer is an AdmissionReview for its request's uid (costs generator CPU). */
  verifyUid: boolean;
  /** Vault traffic: this many ExternalSecrets over this many secrets behind one store, from a fresh start. */
  trafficObjects: number;
  trafficSecrets: number;
  /** The scaling curve: distinct cached ExternalSecrets per point, and seconds of paced load per point. */
  scalingSizes: number[];
  scalingSeconds: number;
}

export const FULL_PLAN: BenchPlan = {
  teams: 50, apps: 10, latencyMs: 20, coldSamples: 3, warmTeams: 4, warmApps: 5, durationSeconds: 10, connections: 50, fixedRate: 1000,
  burstConcurrency: 50, rssTeams: 100, rssApps: 100, aclIterations: 200_000, handlerIterations: 5_000, verifyUid: false,
  trafficObjects: 60, trafficSecrets: 3, scalingSizes: [10, 100, 1_000, 10_000], scalingSeconds: 5,
};

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

export interface BenchResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

const LOAD_GENERATOR = 'load generator in its own process (autocannon for max rate, an evenly paced open-loop HTTPS client for the fixed rate)';

export async function runBench(plan: BenchPlan, log: (line: string) => void = () => {}): Promise<BenchResult> {
  const webhook = await startBenchWebhook({ state: benchState(plan.teams, plan.apps), teams: plan.teams, latencyMs: plan.latencyMs });
  const echo = await startEchoServer(webhook.tls);
  const echoBatched = await startEchoServer(webhook.tls, { batched: true });
  const serverLayer = await startServerLayerOnly(webhook.tls);
  const caPem = webhook.tls.current().ca ?? '';
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const sized = { connections: plan.connections, durationSeconds: plan.durationSeconds, verifyUid: plan.verifyUid, ...(plan.amount ? { amount: plan.amount } : {}) } satisfies LoadOptions;
  const maxRate = sized;
  const paced = { ...sized, pacedRate: plan.fixedRate, caPem } satisfies LoadOptions;
  const autocannonRate = { ...sized, connections: Math.min(plan.connections, 20), overallRate: plan.fixedRate } satisfies LoadOptions;
  const loads: Record<string, Throughput> = {};
  const load = async (key: string, port: number, bodies: string[], options: LoadOptions): Promise<Throughput> => {
    const result = await throughput(port, bodies, options);
    loads[key] = result;
    return result;
  };
  try {
    log('cold admissions ...');
    const cold = await coldAdmissions(webhook, plan.teams, plan.coldSamples);
    details['cold'] = cold;
    figures.push({ name: `cold admission latency, median of ${plan.coldSamples} (empty cache, ${plan.latencyMs} ms Vault)`, value: round(cold.latencyMs), unit: 'ms' });
    figures.push({ name: 'Vault round trips on the cold critical path (counted causally)', value: cold.criticalPathRoundTrips, unit: '', target: '≤ 3', pass: cold.criticalPathRoundTrips <= 3 });
    figures.push({ name: "  same, a new team's first ExternalSecret (shared policy cached)", value: cold.newTeamSharedPolicy.criticalPathRoundTrips, unit: '', target: '≤ 2', pass: cold.newTeamSharedPolicy.criticalPathRoundTrips <= 2 });

    log('Vault traffic ...');
    const traffic = await vaultTraffic(webhook, plan.trafficObjects, plan.trafficSecrets, 10);
    details['vaultTraffic'] = traffic;
    // The minimum is one request per distinct fact whose answer can change a verdict: sys/health, the
    // webhook's token, the store's role, the auth mount list, its two policies (its own and default),
    // one mount lookup for the one mount, and one per secret. The bench's webhook has no API server to
    // ask, so the Kubernetes auth config (client-JWT mode) could change nothing and is not read.
    const minimum = 7 + traffic.secrets;
    figures.push({ name: `Vault requests for ${traffic.objects} ExternalSecrets over ${traffic.secrets} secrets, one store, fresh start (distinct)`, value: traffic.distinct, unit: '', target: `≤ ${minimum} (one per fact)`, pass: traffic.distinct <= minimum });
    figures.push({ name: `  same, all requests (duplicates: ${traffic.requests - traffic.distinct})`, value: traffic.requests, unit: '' });
    // With an API server to ask (serve in a cluster), the auth config is one more fact: it says whether
    // ESO's ServiceAccount must be allowed to create tokenreviews (issue 15 item 13).
    webhook.setTokenReviews({ canCreateTokenReviews: async () => ({ status: 'allowed' }) });
    const clusterTraffic = await vaultTraffic(webhook, plan.trafficObjects, plan.trafficSecrets, 10);
    webhook.setTokenReviews(undefined);
    details['vaultTrafficWithCluster'] = clusterTraffic;
    figures.push({ name: '  same, with an API server to ask (+ the auth config: client-JWT mode)', value: clusterTraffic.distinct, unit: '', target: `≤ ${minimum + 1}`, pass: clusterTraffic.distinct <= minimum + 1 });

    log('Argo CD burst ...');
    const b = await burst(webhook, plan.teams, plan.apps, plan.burstConcurrency);
    details['burst'] = b;
    figures.push({ name: `burst: ${b.objects} ExternalSecrets at concurrency ${b.concurrency}, wall time`, value: round(b.wallMs), unit: 'ms', target: '< 3000', pass: b.wallMs < 3000 });
    const burstBad = b.notAnswered + b.uidMismatches + b.failedOpen;
    figures.push({ name: 'burst: timeouts, non-200s, wrong answers, failure-mode answers', value: burstBad, unit: '', target: '0', pass: burstBad === 0 });
    figures.push({ name: `burst: duplicate Vault requests (${b.vaultRequests} made, ${b.distinctVaultRequests} distinct facts)`, value: b.duplicateVaultRequests, unit: '', target: '0', pass: b.duplicateVaultRequests === 0 });

    log('warm throughput: echo ceiling ...');
    const bodies = warmBodies(plan.warmTeams, plan.warmApps);
    await warmUp(webhook, bodies);
    const ceiling = await load('ceiling', echo.port, bodies, maxRate);
    figures.push({ name: 'echo ceiling throughput', value: Math.round(ceiling.requestsPerSecond), unit: 'req/s' });
    figures.push({ name: '  echo server CPU per request', value: ceiling.serverCpuUsPerRequest, unit: 'µs' });
    // The webhook writes the answers of one event-loop turn together (src/server/reply-batch.ts); the
    // plain echo, the ceiling the ratios are taken against, does not. The same echo with that batching:
    const ceilingBatched = await load('ceilingBatched', echoBatched.port, bodies, maxRate);
    figures.push({ name: '  echo with batched answer writes, throughput', value: Math.round(ceilingBatched.requestsPerSecond), unit: 'req/s' });
    figures.push({ name: '  echo with batched answer writes, server CPU per request', value: ceilingBatched.serverCpuUsPerRequest, unit: 'µs' });
    const echoPaced = await load('ceilingPaced', echo.port, bodies, paced);
    figures.push({ name: `  echo p99 at ${plan.fixedRate} rps (paced)`, value: echoPaced.latencyP99Ms, unit: 'ms' });
    const echoBursty = await load('ceilingAutocannonRate', echo.port, bodies, autocannonRate);
    figures.push({ name: `  echo p99 at ${plan.fixedRate} rps (autocannon overallRate)`, value: echoBursty.latencyP99Ms, unit: 'ms' });

    const layer = await load('serverLayer', serverLayer.port, bodies, maxRate);
    figures.push({ name: 'server layer only (startServers, allow-all handlers) throughput', value: Math.round(layer.requestsPerSecond), unit: 'req/s' });
    figures.push({ name: '  ratio to the echo ceiling', value: round(layer.requestsPerSecond / ceiling.requestsPerSecond, 2), unit: '' });
    figures.push({ name: '  server-layer CPU per request', value: layer.serverCpuUsPerRequest, unit: 'µs' });

    // Warm = every fact cached. With the default checks.reuseResultsMs an identical object re-sent
    // within 2 s (Argo CD's dry-run then apply) reuses its verdict; with 0 every admission runs all rules.
    for (const [label, reuseMs, key, ratioTarget] of [['verdict reuse, default', 2000, 'warm', 0.5], ['every admission fully checked', 0, 'warmNoReuse', 0.4]] as const) {
      log(`warm throughput: webhook, ${label} ...`);
      webhook.setReuseResultsMs(reuseMs);
      const cost = await measureHandlerCost(webhook.handlers, bodies, plan.handlerIterations, plan.handlerWarmUpCpuMs);
      details[`${key}HandlerCost`] = cost;
      const warm = await load(key, webhook.port, bodies, maxRate);
      const ratio = warm.requestsPerSecond / ceiling.requestsPerSecond;
      figures.push({ name: `webhook warm throughput (${label})`, value: Math.round(warm.requestsPerSecond), unit: 'req/s' });
      figures.push({ name: `  ratio to the echo ceiling`, value: round(ratio, 2), unit: '', target: `≥ ${ratioTarget}`, pass: ratio >= ratioTarget });
      figures.push({ name: `  webhook CPU per request`, value: warm.serverCpuUsPerRequest, unit: 'µs', ...(reuseMs === 0 ? { target: '≤ 80', pass: warm.serverCpuUsPerRequest <= 80 } : {}) });
      // The same ratio from CPU per request (echo ÷ webhook): steadier than req/s on a shared machine.
      figures.push({ name: `  CPU ratio (echo µs ÷ webhook µs per request)`, value: round(ceiling.serverCpuUsPerRequest / Math.max(1, warm.serverCpuUsPerRequest), 2), unit: '' });
      for (const [kind, us] of Object.entries(cost.usPerAdmission)) {
        const target = reuseMs === 0 && kind === 'ExternalSecret' ? { target: '≤ 25', pass: us <= 25 } : {};
        figures.push({ name: `  checks alone per ${kind} (in-process CPU)`, value: us, unit: 'µs', ...target });
      }
      const fixed = await load(`${key}Paced`, webhook.port, bodies, paced);
      figures.push({ name: `  p50 at ${plan.fixedRate} rps (paced)`, value: fixed.latencyP50Ms, unit: 'ms' });
      figures.push({ name: `  p99 at ${plan.fixedRate} rps (paced)`, value: fixed.latencyP99Ms, unit: 'ms', target: '≤ 5', pass: fixed.latencyP99Ms <= 5 });
      if (reuseMs > 0) {
        const bursty = await load(`${key}AutocannonRate`, webhook.port, bodies, autocannonRate);
        figures.push({ name: `  p99 at ${plan.fixedRate} rps (autocannon overallRate)`, value: bursty.latencyP99Ms, unit: 'ms' });
      }
    }
    const loadBad = Object.values(loads).reduce((sum, l) => sum + l.non2xx + l.errors + l.timeouts + l.uidMismatches, 0);
    figures.push({ name: `load runs: errors, timeouts, non-2xx${plan.verifyUid ? ', wrong uids' : ''}`, value: loadBad, unit: '', target: '0', pass: loadBad === 0 });
    details['load'] = loads;
  } finally {
    await echo.close();
    await echoBatched.close();
    await serverLayer.close();
    await webhook.close();
  }

  log('scaling curve ...');
  const scaling = await scalingCurve(plan.scalingSizes, plan.fixedRate, plan.scalingSeconds, log);
  details['scaling'] = scaling;
  for (const p of scaling.points) {
    figures.push({ name: `scaling: ${p.objects} cached ExternalSecrets, p99 / CPU per admission at ${scaling.rate} rps`, value: p.p99Ms, unit: `ms / ${p.cpuUsPerAdmission} µs`, target: '≤ 5', pass: p.p99Ms <= 5 });
  }
  figures.push({ name: '  RSS per cached secret path (between the two largest sizes)', value: scaling.rssBytesPerPath, unit: 'B' });

  log('RSS with cached paths ...');
  const rss = await measureRss(plan.rssTeams, plan.rssApps);
  details['rss'] = rss;
  figures.push({ name: `RSS with ${rss.paths} cached secret paths (after GC)`, value: rss.rssAfterMb, unit: 'MB', target: '≤ 150', pass: rss.rssAfterMb <= 150 });
  figures.push({ name: '  heap per cached path', value: rss.heapBytesPerPath, unit: 'B' });

  log('ACL evaluation ...');
  const acl = runAclBench({ iterations: plan.aclIterations });
  details['acl'] = acl;
  figures.push({ name: 'ACL evaluation (51 policies, ~1,000 rules), a path first seen', value: round(acl.nsPerEval / 1000, 2), unit: 'µs/eval' });
  figures.push({ name: '  a path evaluated before (memoised)', value: round(acl.nsPerEvalRepeated / 1000, 3), unit: 'µs/eval' });
  figures.push({ name: '  ACL compile, cold', value: round(acl.nsPerCompileCold / 1e6, 2), unit: 'ms' });
  return { figures, details };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function formatFigures(figures: Figure[]): string {
  const width = Math.max(...figures.map((f) => f.name.length));
  return figures
    .map((f) => {
      const value = `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
      const verdict = f.target === undefined ? '' : `  ${(f.pass ? 'PASS' : 'MISS').padEnd(4)}  target ${f.target}`;
      return `${f.name.padEnd(width)}  ${value.padStart(12)}${verdict}`;
    })
    .join('\n');
}

export const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results', 'latest.json');

async function main(): Promise<void> {
  const started = Date.now();
  // What else ran on the machine: the figures are only comparable between runs on an idle machine.
  const loadBefore = loadavg().map((l) => round(l, 2));
  const { figures, details } = await runBench(FULL_PLAN, (line) => process.stderr.write(`${line}\n`));
  const loadAfter = loadavg().map((l) => round(l, 2));
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryGb: Math.round(totalmem() / 2 ** 30), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter };
  const seconds = Math.round((Date.now() - started) / 1000);
  const missed = figures.filter((f) => f.pass === false);
  process.stdout.write(`eso-vault-guard benchmarks (Node ${machine.node}, ${machine.cpus} cores, load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after; ${LOAD_GENERATOR})\n\n${formatFigures(figures)}\n`);
  process.stdout.write(`\n${figures.filter((f) => f.target !== undefined).length - missed.length} targets met, ${missed.length} missed${missed.length ? `: ${missed.map((f) => f.name.trim()).join('; ')}` : ''}\n`);
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ date: new Date().toISOString(), machine, loadGenerator: LOAD_GENERATOR, plan: FULL_PLAN, durationSeconds: seconds, figures, details }, null, 2)}\n`);
  writeScalingPlot(RESULTS_FILE);
  process.stdout.write(`\nwritten to bench/results/latest.json and docs/performance-scaling.svg in ${seconds} s\n`);
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
