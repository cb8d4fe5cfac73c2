// Runs the compiled `eso-vault-guard check` as a child process (asynchronously: the Vault double
// answers from this process) and seeds the Vault double from an example folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVaultDouble, webhookVaultConfig, type VaultDouble } from '../support/vault-double.js';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
  return runCommand('check', args, opts);
}

/** Any subcommand (`impact`, `policy`), run as runCli runs `check`. */
export function runCommand(command: string, args: string[], opts: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, VAULT_TOKEN: undefined, ESO_GUARD_CONFIG: undefined, NO_COLOR: undefined, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [MAIN, command, ...args], { env: env as NodeJS.ProcessEnv, cwd: opts.cwd ?? process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export interface ExpectedEntry {
  kind: string;
  namespace: string | null;
  name: string;
  decision: 'allow' | 'deny';
  codes: string[];
}

export function loadExpected(dir: string): ExpectedEntry[] {
  return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedEntry[];
}

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
