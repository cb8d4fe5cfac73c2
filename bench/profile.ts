// `npm run bench:profile`: a CPU profile of the webhook's warm, fully checked path (every fact
// cached, checks.reuseResultsMs 0) under the bench's load, taken in the process that serves it, and
// summarised as a table in bench/results/profile-warm.txt (self time by function, then inclusive
// time by function). `npm run bench:profile -- checks` profiles the admission handlers alone,
// called in-process (profile-warm-checks.txt); `-- layer` the server layer alone, `-- echo` the echo
// ceiling, under the same load (profile-server-layer.txt, profile-echo.txt). The raw profiles (*.cpuprofile, for Chrome DevTools
// or speedscope) are written next to them but not committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../test/support/paths.js';
import { benchState } from './fixtures.js';
import { throughput, warmBodies, warmUp } from './scenarios.js';
import { startBenchWebhook, startEchoServer, startServerLayerOnly } from './servers.js';
import { measureHandlerCost } from './handler-cost.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

const REPO_URL = `file://${REPO_ROOT}/`;

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.startsWith(REPO_URL) ? url.slice(REPO_URL.length).replace(/^dist\//, '') : url.replace(/^.*node_modules\//, '').replace(/^node:/, 'node:');
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
}

/** Self and inclusive sample counts per function (recursion counted once per stack). */
export function summarise(profile: CpuProfile, top = 45): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    total += 1;
    const name = frameName(node);
    if (name.startsWith('(idle)')) idle += 1;
    self.set(name, (self.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = byId.get(at);
      if (!n) break;
      const fn = frameName(n);
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + 1);
    }
  }
  const busy = total - idle;
  const pct = (n: number) => `${((n / busy) * 100).toFixed(1).padStart(5)} %`;
  const table = (m: Map<string, number>) =>
    [...m.entries()].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${pct(v)}  ${k}`).join('\n');
  return [
    `samples: ${total} (${idle} idle); percentages are of the ${busy} busy samples`,
    '',
    '== self time (where the CPU is spent) ==',
    table(self),
    '',
    '== inclusive time (the function and what it calls) ==',
    table(inclusive),
    '',
  ].join('\n');
}

type Mode = 'webhook' | 'checks' | 'layer' | 'echo';
const MODES: Record<Mode, { file: string; what: string }> = {
  webhook: { file: 'profile-warm', what: 'the webhook, warm and fully checked (checks.reuseResultsMs 0)' },
  checks: { file: 'profile-warm-checks', what: 'the admission handlers alone, warm and fully checked (checks.reuseResultsMs 0)' },
  layer: { file: 'profile-server-layer', what: 'the server layer alone (startServers, allow-all handlers)' },
  echo: { file: 'profile-echo', what: 'the echo ceiling (bare fastify, same TLS)' },
};

async function main(): Promise<void> {
  const seconds = Number(process.env['PROFILE_SECONDS'] ?? 8);
  const mode: Mode = (process.argv[2] as Mode | undefined) ?? 'webhook';
  if (!(mode in MODES)) throw new Error(`unknown profile ${mode}: one of ${Object.keys(MODES).join(', ')}`);
  const webhook = await startBenchWebhook({ state: benchState(4, 5), teams: 4, latencyMs: 1 });
  const other = mode === 'layer' ? await startServerLayerOnly(webhook.tls) : mode === 'echo' ? await startEchoServer(webhook.tls) : undefined;
  const session = new Session();
  session.connect();
  try {
    webhook.setReuseResultsMs(0);
    const bodies = warmBodies(4, 5);
    await warmUp(webhook, bodies);
    await measureHandlerCost(webhook.handlers, bodies, 500); // JIT warm-up of the checks
    if (other) await throughput(other.port, bodies, { connections: 20, durationSeconds: 2, verifyUid: false }); // and of the server
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    // checks: the admission handlers alone, in-process (what "checks alone" measures); else a server under load.
    let what: string;
    if (mode === 'checks') {
      const cost = await measureHandlerCost(webhook.handlers, bodies, 4_000);
      what = `the admission handlers called in-process 5 rounds of 4,000 times per kind after a warm-up (${JSON.stringify(cost.usPerAdmission)} µs per admission incl. profiler overhead)`;
    } else {
      const load = await throughput(other?.port ?? webhook.port, bodies, { connections: 20, durationSeconds: seconds, verifyUid: false });
      what = `${seconds} s of autocannon load (20 connections; ${Math.round(load.requestsPerSecond)} req/s, ${load.serverCpuUsPerRequest} µs CPU per request incl. profiler overhead)`;
    }
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    const dir = join(REPO_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const name = MODES[mode].file;
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    const header = [
      `CPU profile of ${MODES[mode].what}: ${what}; Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}.`,
      `Written by \`npm run bench:profile${mode === 'webhook' ? '' : ` -- ${mode}`}\` on ${new Date().toISOString().slice(0, 10)}.`,
      '',
    ].join('\n');
    writeFileSync(join(dir, `${name}.txt`), header + summarise(profile));
    process.stdout.write(`${header}written to bench/results/${name}.txt\n`);
  } finally {
    session.disconnect();
    await other?.close();
    await webhook.close();
  }
  process.exit(0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
