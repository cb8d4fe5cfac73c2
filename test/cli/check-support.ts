// Runs `eso-vault-guard check` (in-process, or as the binary where the process matters) and seeds
// the Vault double from an example folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';
import { MAIN, runCommand, runCommandProcess, type CliRun, type CliRunOptions } from '../support/cli.js';

export { MAIN, type CliRun };

/** `check ARGS` in this process. */
export function runCli(args: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  return runCommand(['check', ...args], opts);
}

/** `check ARGS` as a child process of the binary (a working directory, a heap limit, the exit of the process itself). */
export function runCliProcess(args: string[], opts: CliRunOptions & { cwd?: string } = {}): Promise<CliRun> {
  return runCommandProcess(['check', ...args], opts);
}

export { loadExpected, type ExpectedEntry } from '../support/examples.js';

export interface SeededVault {
  double: VaultDouble;
  /** A config file whose `vault` section logs in to the double as the webhook does. */
  configFile: string;
  close(): Promise<void>;
}

export async function seededVault(exampleDir: string): Promise<SeededVault> {
  const double = await startVaultDouble({ state: join(exampleDir, 'vault-state.json') });
  const dir = mkdtempSync(join(tmpdir(), 'check-cli-'));
  const configFile = join(dir, 'config.yaml');
  // JSON is YAML: the config loader reads it as the server would.
  writeFileSync(configFile, JSON.stringify({ vault: webhookVaultConfig(double) }, null, 2));
  return { double, configFile, close: () => double.close() };
}

export interface JsonFinding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  resource: { kind: string; namespace: string | null; name: string };
  file: string | null;
  field: string;
  message: string;
  hint: string;
}

export interface JsonReport {
  findings: JsonFinding[];
  summary: { errors: number; warnings: number; infos: number; skipped?: number };
  skipped?: { apiVersion: string | null; kind: string | null; namespace: string | null; name: string | null; file: string; reason: string }[];
}
