// The load generator, run in its own process so it and the server under test each get one of the
// machine's cores instead of sharing an event loop. Input: JSON on argv[2], or `@<file>` holding it;
// output: JSON on stdout.
//
// Two modes:
// - `autocannon` (closed loop): as fast as possible, or autocannon's `overallRate`. autocannon paces a
//   rate per connection per second: each connection sends its share back to back at the start of
//   every second, then waits; so "1,000 rps" is a burst at full speed followed by silence.
// - `paced` (open loop): one request every 1000/rate ms, evenly spaced, whatever the answers do;
//   latency runs from the moment the request is handed to the HTTPS agent (queueing included).
//   The first second's requests open the connections (TLS handshakes) and are not recorded.
import autocannon from 'autocannon';
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';

export interface LoadSpec {
  url: string;
  bodies: string[];
  connections: number;
  /** How long to run; ignored when `amount` is set (autocannon) — `paced` runs rate × duration requests. */
  durationSeconds: number;
  /** Stop after this many requests instead of after `durationSeconds` (autocannon mode). */
  amount?: number;
  /** autocannon's fixed request rate across all connections; omitted = as fast as possible. */
  overallRate?: number;
  /** Open-loop evenly spaced requests at this rate (requests per second) instead of autocannon. */
  pacedRate?: number;
  /** CA of the server (paced mode verifies TLS; autocannon never does). */
  caPem?: string;
  /** Check every answer is an AdmissionReview whose response.uid is the request's uid. */
  verifyUid?: boolean;
}

export interface LoadResult {
  generator: 'autocannon' | 'paced';
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers that were not an AdmissionReview for the request's uid (counted only with verifyUid). */
  uidMismatches: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** CPU the load generator itself used, in % of one core over the run. */
  generatorCpuPercent: number;
}

const uidOf = (body: string): string => (JSON.parse(body) as { request: { uid: string } }).request.uid;

function answersUid(text: string, uid: string): boolean {
  try {
    const review = JSON.parse(text) as { kind?: string; response?: { uid?: string } };
    return review.kind === 'AdmissionReview' && review.response?.uid === uid;
  } catch {
    return false;
  }
}

async function runAutocannon(spec: LoadSpec): Promise<Omit<LoadResult, 'generatorCpuPercent'>> {
  let uidMismatches = 0;
  const requests = spec.bodies.map((body) => {
    const uid = uidOf(body);
    return {
      method: 'POST',
      body,
      ...(spec.verifyUid ? { onResponse: (_status: number, text: string) => void (answersUid(text, uid) || (uidMismatches += 1)) } : {}),
    };
  });
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSeconds }),
    ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
    requests,
    timeout: 10,
  });
  return {
    generator: 'autocannon',
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    uidMismatches,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function runPaced(spec: LoadSpec, rate: number): Promise<Omit<LoadResult, 'generatorCpuPercent'>> {
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, ...(spec.caPem ? { ca: spec.caPem, servername: 'localhost' } : { rejectUnauthorized: false }) });
  const payloads = spec.bodies.map((body) => ({ body: Buffer.from(body), uid: uidOf(body) }));
  const total = spec.amount ?? Math.round(rate * spec.durationSeconds);
  const intervalMs = 1000 / rate;
  // The first requests (up to one second's worth) open the TLS connections: sent, not recorded.
  const unrecorded = Math.min(rate, Math.floor(total / 10));
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let uidMismatches = 0;
  let settled = 0;
  let sent = 0;
  const startedAt = performance.now();
  let recordingFrom = startedAt;
  await new Promise<void>((done) => {
    const finish = () => {
      settled += 1;
      if (settled === total) done();
    };
    const fire = () => {
      const recorded = sent >= unrecorded;
      const { body, uid } = payloads[sent % payloads.length]!;
      const t0 = performance.now();
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (recorded) latencies.push(performance.now() - t0);
            if (res.statusCode !== 200) non2xx += 1;
            else if (!answersUid(Buffer.concat(chunks).toString('utf8'), uid)) uidMismatches += 1;
            finish();
          });
        },
      );
      let timedOut = false;
      req.setTimeout(10_000, () => {
        timedOut = true;
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        if (!timedOut) errors += 1;
        finish();
      });
      req.end(body);
    };
    // Timers fire at ~1 ms granularity: send every request that is due, then sleep until the next.
    const tick = () => {
      const now = performance.now();
      while (sent < total && startedAt + sent * intervalMs <= now) {
        if (sent === unrecorded) recordingFrom = now;
        fire();
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, startedAt + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const wallSeconds = (performance.now() - recordingFrom) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    generator: 'paced',
    requestsPerSecond: latencies.length / wallSeconds,
    requests: latencies.length,
    non2xx,
    errors,
    timeouts,
    uidMismatches,
    latencyP50Ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
    latencyP99Ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
    latencyMaxMs: Math.round((latencies.at(-1) ?? 0) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const arg = process.argv[2] ?? '{}';
  const spec = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg) as LoadSpec;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = spec.pacedRate ? await runPaced(spec, spec.pacedRate) : await runAutocannon(spec);
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 1000) / 10;
  process.stdout.write(JSON.stringify({ ...result, generatorCpuPercent } satisfies LoadResult));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
