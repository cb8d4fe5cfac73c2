// The demo's `fix` section: the certain fixes of classic-mistakes against the same embedded Vault,
// printed as `eso-vault-guard fix` prints them (the diff, then what it fixed); nothing is written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoOutput } from '../src/cli/commands/demo.js';
import { checkOptions } from '../src/cli/check/options.js';
import { fixFiles, fixSummary } from '../src/cli/fix/fix-run.js';
import { startVaultDouble, webhookVaultConfig } from '../test/support/vault-double.js';

export const FIX_DEMO_FOLDER = 'classic-mistakes';

const quiet = { write: (_t: string, cb?: () => void) => (cb?.(), true) } as unknown as NodeJS.WritableStream;

export async function fixSection(repoRoot: string, examplesDir: string, out: DemoOutput): Promise<void> {
  const folder = join(examplesDir, FIX_DEMO_FOLDER);
  const vault = await startVaultDouble({ state: join(folder, 'vault-state.json') });
  const dir = mkdtempSync(join(tmpdir(), 'demo-fix-'));
  try {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ vault: webhookVaultConfig(vault) }));
    const outcome = await fixFiles([join(folder, 'manifests.yaml')], { check: checkOptions({ config, allowInsecureHttp: true }, {}), write: false }, { stdout: quiet, stderr: quiet, env: {} }, repoRoot);
    if (typeof outcome === 'number') throw new Error(`fix could not run (exit ${outcome})`);
    out.line(`$ eso-vault-guard fix examples/${FIX_DEMO_FOLDER}/manifests.yaml`, 'heading');
    for (const line of outcome.diffs.join('').trimEnd().split('\n')) out.line(line, line.startsWith('+') ? 'ok' : line.startsWith('-') ? 'error' : undefined);
    for (const line of outcome.applied) out.line(`fixed ${line}`, 'ok');
    out.line(fixSummary(outcome, false).replace(' What remains after them:', ''));
    const s = outcome.report.summary;
    out.line(`${s.errors} errors remain that have no certain fix (the replay above shows them).`, 'dim');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await vault.close();
  }
}
