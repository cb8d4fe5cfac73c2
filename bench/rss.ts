// Runs bench/rss-worker.js against a Vault double holding `teams × apps` secrets.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startVaultDouble, webhookVaultConfig } from '../test/support/vault-double.js';
import { benchState, SERVER } from './fixtures.js';
import type { RssResult } from './rss-worker.js';

export type { RssResult } from './rss-worker.js';

const WORKER = fileURLToPath(new URL('./rss-worker.js', import.meta.url));

export async function measureRss(teams: number, apps: number): Promise<RssResult> {
  const double = await startVaultDouble({ state: benchState(teams, apps) });
  try {
    const config = webhookVaultConfig(double, { requestTimeoutMs: 30_000, cache: { policyTtlMs: 600_000, roleTtlMs: 600_000, mountTtlMs: 600_000, secretTtlMs: 600_000, negativeTtlMs: 600_000, maxEntries: teams * apps + 1_000 } });
    return await new Promise<RssResult>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', WORKER, JSON.stringify({ config, server: SERVER, teams, apps })], { maxBuffer: 64 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`rss worker failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as RssResult);
      });
    });
  } finally {
    await double.close();
  }
}
