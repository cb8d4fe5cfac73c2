// `npm run bench`: every figure of issue 9 with its target, printed and written to
// bench/results/latest.json. Not part of `npm test` (the smoke test runs the same code small).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAclBench } from './acl-eval.js';
import { benchState } from './fixtures.js';
import { measureRss } from './rss.js';
import { burst, coldAdmission, throughput, warmBodies, warmUp } from './scenarios.js';
import { startBenchWebhook, startEchoServer } from './servers.js';

export interface BenchPlan {
  teams: number;
  apps: number;
  latencyMs: number;
  warmTeams: number;
  warmApps: number;
  durationSeconds: number;
  connections: number;
  fixedRate: number;
  burstConcurrency: number;
  rssTeams: number;
  rssApps: number;
  aclIterations: number;
}

export const FULL_PLAN: BenchPlan = {
  teams: 50, apps: 10, latencyMs: 20, warmTeams: 4, warmApps: 5, durationSeconds: 10, connections: 50, fixedRate: 1000,
  burstConcurrency: 50, rssTeams: 100, rssApps: 100, aclIterations: 200_000,
};

interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

export async function runBench(plan: BenchPlan, log: (line: string) => void = () => {}): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const webhook = await startBenchWebhook({ state: benchState(plan.teams, plan.apps), teams: plan.teams, latencyMs: plan.latencyMs });
  const echo = await startEchoServer(webhook.tls);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  try {
    log('cold admission ...');
    const cold = await coldAdmission(webhook, 1, 1);
    details['cold'] = cold;
    figures.push({ name: 'cold admission latency (20 ms Vault)', value: round(cold.latencyMs), unit: 'ms' });
    figures.push({ name: 'Vault round trips on the cold critical path', value: cold.criticalPathRoundTrips, unit: '', target: '≤ 2', pass: cold.criticalPathRoundTrips <= 2 });

    log('Argo CD burst ...');
    const b = await burst(webhook, plan.teams, plan.apps, plan.burstConcurrency);
    details['burst'] = b;
    figures.push({ name: `burst: ${b.objects} ExternalSecrets at concurrency ${b.concurrency}, wall time`, value: round(b.wallMs), unit: 'ms', target: '< 3000', pass: b.wallMs < 3000 });
    figures.push({ name: 'burst: timeouts or answers by the failure mode', value: b.notAnswered + b.failedOpen, unit: '', target: '0', pass: b.notAnswered + b.failedOpen === 0 });
    figures.push({ name: `burst: duplicate Vault requests (of ${b.vaultRequests}, ${b.distinctVaultRequests} distinct)`, value: b.duplicateVaultRequests, unit: '', target: '0', pass: b.duplicateVaultRequests === 0 });

    log('warm throughput ...');
    const bodies = warmBodies(plan.warmTeams, plan.warmApps);
    await warmUp(webhook, bodies);
    const ceiling = await throughput(echo.port, bodies, plan.durationSeconds, plan.connections);
    details['ceiling'] = ceiling;
    figures.push({ name: 'echo ceiling throughput', value: Math.round(ceiling.requestsPerSecond), unit: 'req/s' });
    // The same fixed-rate load against the ceiling shows what the load generator and TLS alone cost.
    const echoFixed = await throughput(echo.port, bodies, plan.durationSeconds, Math.min(plan.connections, 20), plan.fixedRate);
    details['ceilingFixedRate'] = echoFixed;
    figures.push({ name: `echo ceiling p99 latency at ${plan.fixedRate} rps`, value: echoFixed.latencyP99Ms, unit: 'ms' });
    // Warm = every fact cached. With the default checks.reuseResultsMs an identical object re-sent
    // within 2 s (Argo CD refreshes) reuses its verdict; without it every admission runs all rules.
    for (const [label, reuseMs, key] of [['(verdict reuse, default)', 2000, 'warm'], ['(every admission fully checked)', 0, 'warmNoReuse']] as const) {
      webhook.setReuseResultsMs(reuseMs);
      const warm = await throughput(webhook.port, bodies, plan.durationSeconds, plan.connections);
      details[key] = warm;
      const ratio = warm.requestsPerSecond / ceiling.requestsPerSecond;
      figures.push({ name: `webhook warm-cache throughput ${label}`, value: Math.round(warm.requestsPerSecond), unit: 'req/s' });
      figures.push({ name: `warm throughput / ceiling ${label}`, value: round(ratio, 2), unit: '', target: '≥ 0.6', pass: ratio >= 0.6 });
      if (warm.non2xx + warm.errors + warm.timeouts > 0) figures.push({ name: 'warm: errors, non-2xx or timeouts', value: warm.non2xx + warm.errors + warm.timeouts, unit: '', target: '0', pass: false });

      log(`fixed ${plan.fixedRate} rps ${label} ...`);
      const fixed = await throughput(webhook.port, bodies, plan.durationSeconds, Math.min(plan.connections, 20), plan.fixedRate);
      details[`${key}FixedRate`] = fixed;
      figures.push({ name: `p50 latency at ${plan.fixedRate} rps ${label}`, value: fixed.latencyP50Ms, unit: 'ms' });
      figures.push({ name: `p99 latency at ${plan.fixedRate} rps ${label}`, value: fixed.latencyP99Ms, unit: 'ms', target: '≤ 5', pass: fixed.latencyP99Ms <= 5 });
    }
  } finally {
    await echo.close();
    await webhook.close();
  }

  log('RSS with cached paths ...');
  const rss = await measureRss(plan.rssTeams, plan.rssApps);
  details['rss'] = rss;
  figures.push({ name: `RSS with ${rss.paths} cached secret paths`, value: rss.rssAfterMb, unit: 'MB', target: '≤ 150', pass: rss.rssAfterMb <= 150 });

  log('ACL evaluation ...');
  const acl = runAclBench({ iterations: plan.aclIterations });
  details['acl'] = acl;
  figures.push({ name: 'ACL evaluation (51 policies, ~1,000 rules)', value: round(acl.nsPerEval / 1000, 2), unit: 'µs/eval' });
  figures.push({ name: 'ACL compile (cold)', value: round(acl.nsPerCompileCold / 1e6, 2), unit: 'ms' });
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
      const verdict = f.target === undefined ? '' : `  target ${f.target}  ${f.pass ? 'PASS' : 'MISS'}`;
      return `${f.name.padEnd(width)}  ${value.padStart(12)}${verdict}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const { figures, details } = await runBench(FULL_PLAN, (line) => process.stderr.write(`${line}\n`));
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '' };
  process.stdout.write(`eso-vault-guard benchmarks (Node ${machine.node}, ${machine.cpus} cores; load generator in its own process)\n\n${formatFigures(figures)}\n`);
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, plan: FULL_PLAN, durationSeconds: Math.round((Date.now() - started) / 1000), figures, details }, null, 2)}\n`);
  process.stdout.write(`\nwritten to bench/results/latest.json in ${Math.round((Date.now() - started) / 1000)} s\n`);
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
