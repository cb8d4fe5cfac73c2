// Runs autocannon in its own process, so the load generator and the server under test use the
// machine's two cores instead of sharing one event loop. Input: JSON on argv[2]; output: JSON on stdout.
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  bodies: string[];
  connections: number;
  durationSeconds: number;
  /** Fixed request rate across all connections; omitted = as fast as possible. */
  overallRate?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    requests: spec.bodies.map((body) => ({ method: 'POST', body })),
    timeout: 10,
  });
  const out: LoadResult = {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
  };
  process.stdout.write(JSON.stringify(out));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
