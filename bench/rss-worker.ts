// Memory of the Vault facts cache holding `teams × apps` secret paths, measured in a fresh process
// (run with --expose-gc) so neither the Vault double nor the load generator is counted.
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../src/log/index.js';
import { createMetricsRegistry } from '../src/server/metrics.js';
import { createVaultFacts, parseVaultConfig } from '../src/vault/index.js';

export interface RssResult {
  paths: number;
  cachedFacts: number;
  rssBeforeMb: number;
  /** Right after the fill (one full GC): still holding the young generation the fill grew. */
  rssFilledMb: number;
  /** After the fill, full GCs and a short idle: the steady state with the paths cached. */
  rssAfterMb: number;
  heapTotalAfterMb: number;
  heapUsedAfterMb: number;
  /** Heap the cache added, per cached path (key, fact, both value shapes, LRU bookkeeping). */
  heapBytesPerPath: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
// A full, compacting GC that gives unused pages back (Node 22+: V8 otherwise keeps the heap it grew
// for a while, and RSS then shows that, not what the cache holds).
const rawGc = (globalThis as { gc?: (options?: unknown) => void }).gc;
const gc = (): void => rawGc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });

async function main(): Promise<void> {
  const { config, server, teams, apps } = JSON.parse(process.argv[2] ?? '{}') as { config: unknown; server: string; teams: number; apps: number };
  const paths: string[] = [];
  for (let t = 0; t < teams; t++) for (let a = 0; a < apps; a++) paths.push(`team-${t}/app-${a}`);
  const facts = createVaultFacts(parseVaultConfig(config), { logger: silentLogger(), registry: createMetricsRegistry() });
  await facts.start();
  gc();
  const before = process.memoryUsage();
  let next = 0;
  // 50 lookups in flight, as admissions of an Argo CD sync would make them.
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < paths.length) {
        const path = paths[next++] as string;
        const fact = await facts.readSecretShape(server, { mount: 'apps/', secretPath: path }, undefined, { deadlineAtMs: Date.now() + 30_000, kvVersion: '2' });
        if (fact.status !== 'ok') throw new Error(`${path}: ${fact.status}`);
      }
    }),
  );
  gc();
  const filled = process.memoryUsage();
  // V8 gives back the pages the fill's allocations grew only after an idle moment and further GCs.
  await sleep(500);
  gc();
  gc();
  const after = process.memoryUsage();
  const result: RssResult = {
    paths: paths.length,
    cachedFacts: facts.stats().cacheEntries,
    rssBeforeMb: mb(before.rss),
    rssFilledMb: mb(filled.rss),
    rssAfterMb: mb(after.rss),
    heapTotalAfterMb: mb(after.heapTotal),
    heapUsedAfterMb: mb(after.heapUsed),
    heapBytesPerPath: Math.round((after.heapUsed - before.heapUsed) / paths.length),
  };
  await facts.close();
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
