// A Vault-API server for one example: `bao server -dev` (or `vault server -dev`) on 127.0.0.1 with a
// random root token, HOME in the run's temp dir (dev mode writes a token helper file there).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { alive, freePort, startProcess, until, type Proc } from './processes.js';

export interface VaultServer {
  address: string;
  rootToken: string;
  proc: Proc;
  /** sys/health as the server answered it. */
  health: Record<string, unknown>;
  stop(): Promise<void>;
}

/** `extraArgs`: e.g. `-config=<file>` adding listeners to the dev server's own (the TLS scenario). */
export async function startVaultServer(bin: string, dir: string, name: string, extraArgs: string[] = []): Promise<VaultServer> {
  const port = await freePort();
  const rootToken = `root-${randomBytes(12).toString('hex')}`;
  const home = join(dir, `${name}-home`);
  mkdirSync(home, { recursive: true });
  const proc = startProcess(name, bin, ['server', '-dev', `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`, ...extraArgs], {
    dir,
    env: { PATH: process.env.PATH ?? '', HOME: home },
  });
  const address = `http://127.0.0.1:${port}`;
  try {
    const health = await until(`${name} sys/health`, async () => {
      alive(proc);
      const res = await fetch(`${address}/v1/sys/health`);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    }, 30_000);
    return { address, rootToken, proc, health, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
