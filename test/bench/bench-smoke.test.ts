// The benchmark harness works (its figures are printed by `npm run bench`, never asserted here):
// the whole run — webhook and echo ceiling over HTTPS, cold, burst, load in a child process, RSS
// worker, ACL cost — in a drastically shortened plan, every answer a 200 AdmissionReview for its uid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { duplicateRequests } from '../../bench/critical-path.js';
import { RESULTS_FILE, runBench, type BenchPlan } from '../../bench/run.js';
import type { BurstResult, ColdSummary, Throughput, VaultTrafficResult } from '../../bench/scenarios.js';
import type { ScalingResult } from '../../bench/scaling.js';
import { scalingSvg } from '../../bench/plot.js';
import type { DoubleRequest } from '../support/vault-double.js';

const req = (path: string, startedAtMs: number, endedAtMs: number): DoubleRequest => ({ method: 'GET', path, query: {}, status: 200, namespace: '', startedAtMs, endedAtMs });

test('duplicate requests are counted by method, path and query', () => {
  assert.deepEqual(duplicateRequests([req('/a', 0, 1), req('/a', 2, 3), req('/b', 0, 1)]), { total: 3, distinct: 2, duplicates: 1 });
});

const SMOKE_PLAN: BenchPlan = {
  teams: 3, apps: 2, latencyMs: 1, coldSamples: 1, warmTeams: 2, warmApps: 2, durationSeconds: 1, amount: 100, connections: 4, fixedRate: 500,
  burstConcurrency: 4, rssTeams: 5, rssApps: 10, aclIterations: 1_000, handlerIterations: 20, handlerWarmUpCpuMs: 20, verifyUid: true,
  trafficObjects: 12, trafficSecrets: 2, scalingSizes: [2, 6], scalingSeconds: 1,
};

test('bench harness: a shortened run answers every request with the AdmissionReview for its uid and writes nothing', async () => {
  const resultsBefore = existsSync(RESULTS_FILE) ? statSync(RESULTS_FILE).mtimeMs : undefined;
  const { figures, details } = await runBench(SMOKE_PLAN);

  const cold = details['cold'] as ColdSummary;
  assert.equal(cold.allowed, true, 'cold admissions are allowed AdmissionReviews for their uid');
  assert.ok(cold.samples[0]!.vaultRequests > 0, 'a cold admission asks Vault');
  // Counted causally: the login facts and the mount together, then the policies, then the secret.
  assert.equal(cold.criticalPathRoundTrips, 3, JSON.stringify(cold.samples[0]!.rounds));
  assert.equal(cold.newTeamSharedPolicy.criticalPathRoundTrips, 2, JSON.stringify(cold.newTeamSharedPolicy.rounds));

  const traffic = details['vaultTraffic'] as VaultTrafficResult;
  assert.equal(traffic.distinctRequests.filter((r) => r.includes('/sys/internal/ui/mounts/')).length, 1, `one mount lookup for the store's one mount: ${traffic.distinctRequests.join(', ')}`);
  // health, token, role, auth mounts, two policies, one mount, two secrets; no cluster to ask, so not
  // the auth config (client-JWT mode), which the run with an API server to ask reads as well.
  assert.equal(traffic.distinct, 9, traffic.distinctRequests.join('\n'));
  const withCluster = details['vaultTrafficWithCluster'] as VaultTrafficResult;
  assert.equal(withCluster.distinct, 10, withCluster.distinctRequests.join('\n'));
  assert.ok(withCluster.distinctRequests.some((r) => r.includes('/auth/kubernetes/config')), withCluster.distinctRequests.join('\n'));

  const scaling = details['scaling'] as ScalingResult;
  assert.deepEqual(scaling.points.map((p) => p.objects), [2, 6]);
  assert.ok(scaling.points.every((p) => p.requests > 0 && Number.isFinite(p.p99Ms)));

  const burst = details['burst'] as BurstResult;
  assert.equal(burst.objects, 6);
  assert.equal(burst.notAnswered + burst.uidMismatches, 0, 'every burst answer is a 200 AdmissionReview for its uid');
  assert.equal(burst.duplicateVaultRequests, 0, 'concurrent admissions share Vault requests');

  const loads = details['load'] as Record<string, Throughput>;
  assert.deepEqual(Object.keys(loads).sort(), ['ceiling', 'ceilingAutocannonRate', 'ceilingBatched', 'ceilingPaced', 'serverLayer', 'warm', 'warmAutocannonRate', 'warmNoReuse', 'warmNoReusePaced', 'warmPaced']);
  for (const [key, load] of Object.entries(loads)) {
    assert.equal(load.generator, key.endsWith('Paced') ? 'paced' : 'autocannon', key);
    assert.ok(load.requests >= 90, `${key}: ${load.requests} answers recorded`);
    assert.equal(load.non2xx + load.errors + load.timeouts, 0, `${key}: every answer a 200`);
    assert.equal(load.uidMismatches, 0, `${key}: every answer an AdmissionReview for the request's uid`);
  }

  for (const figure of figures) {
    assert.ok(Number.isFinite(figure.value), `${figure.name} is a number`);
    if (figure.target !== undefined) assert.equal(typeof figure.pass, 'boolean', `${figure.name} has a verdict`);
  }
  const names = figures.map((f) => f.name).join('\n');
  for (const wanted of [/cold critical path/, /burst: .* wall time/, /duplicate Vault requests/, /echo ceiling throughput/, /ratio to the echo ceiling/, /p99 at 500 rps \(paced\)/, /RSS with 50 cached/, /ACL evaluation/]) {
    assert.match(names, wanted);
  }
  assert.equal(existsSync(RESULTS_FILE) ? statSync(RESULTS_FILE).mtimeMs : undefined, resultsBefore, 'runBench writes no file');
  const svg = scalingSvg(scaling, 'smoke');
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 3, 'three curves: p99, CPU, RSS');
});
