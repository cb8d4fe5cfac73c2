// Runs an `eso-vault-guard` command line in this process, through the same program the binary
// runs (src/cli/program.ts), with its own stdin, stdout, stderr and environment; or, where the
// process itself is under test (exit codes of the binary, a heap limit, a working directory), as a
// child process of the compiled binary.
import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/program.js';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  input?: string;
  /** Added to this process's environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
}

/** A variable of the test run's own environment must not change what a command does. */
function commandEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, VAULT_TOKEN: undefined, ESO_GUARD_CONFIG: undefined, NO_COLOR: undefined, ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as Record<string, string>;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** In-process: what the binary would print and exit with. */
export async function runCommand(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const exit = await runCli(args, { stdout, stderr, stdin: Readable.from([opts.input ?? '']), env: commandEnv(opts.env) });
  return { code: exit.code, stdout: stdout.text, stderr: stderr.text };
}

/** The compiled binary as a child process (asynchronously: a double may answer from this process). */
export function runCommandProcess(args: readonly string[], opts: CliRunOptions & { cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: commandEnv(opts.env), cwd: opts.cwd ?? process.cwd(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
