// Child processes of the end-to-end run: each logs to a file in the run's temp dir and is stopped
// by its own pid (SIGTERM, then SIGKILL) — never by name.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export function startProcess(name: string, bin: string, args: string[], opts: { dir: string; env?: NodeJS.ProcessEnv }): Proc {
  const logFile = join(opts.dir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(bin, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Two streams into one file: neither may end it (the other may still write); the exit closes it.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('close', () => log.end());
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name, child, logFile,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function run(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Throws when the process has exited (a wait for it would otherwise run into its timeout). */
export function alive(p: Proc): void {
  if (p.child.exitCode !== null || p.child.signalCode !== null) throw new StopPolling(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}); see ${p.logFile}`);
}

export class StopPolling extends Error {}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      if (err instanceof StopPolling) throw err;
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
