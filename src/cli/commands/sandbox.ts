// `eso-vault-guard sandbox seed <vault-state.json>`: builds the examples' Vault in a real Vault or
// OpenBao (a dev server is enough) through its HTTP API. The token comes from a file or
// VAULT_TOKEN, never from the command line (it would show in `ps` and shell history).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SeedError, seedVault, type SeedState } from '../../sandbox/seed.js';
import type { CliIo } from '../io.js';

interface SeedFlags {
  address?: string;
  tokenFile?: string;
  namespace?: string;
  caFile?: string;
  authConfig: string[];
  json?: boolean;
}

/** `<mount>=<JSON object>` or `<mount>=@file.json`. */
function parseAuthConfig(values: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new SeedError(`--auth-config ${value}: expected <mount>=<JSON object> or <mount>=@file`);
    const mount = value.slice(0, at).replace(/\/?$/, '/');
    const raw = value.slice(at + 1);
    const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SeedError(`--auth-config ${mount}: not a JSON object`);
    out[mount] = { ...(out[mount] ?? {}), ...(parsed as Record<string, unknown>) };
  }
  return out;
}

export function registerSandbox(program: Command, io: CliIo): void {
  const sandbox = program.command('sandbox').description('build a sandbox Vault/OpenBao like the examples\' (for trying the webhook and for the end-to-end suite)');
  sandbox
    .command('seed <vault-state.json>')
    .description('write a vault-state.json (mounts, auth methods with config and roles, policies, secret versions incl. deleted/destroyed, custom metadata) into a real Vault/OpenBao')
    .option('--address <url>', 'Vault/OpenBao address (default $VAULT_ADDR)')
    .option('--token-file <file>', 'file holding a token that may write sys/ and the mounts (default $VAULT_TOKEN)')
    .option('--namespace <ns>', 'Vault Enterprise namespace (default $VAULT_NAMESPACE)')
    .option('--ca-file <file>', 'PEM CA bundle of the server\'s certificate (default $VAULT_CACERT)')
    .option('--auth-config <mount=json>', 'override keys of an auth mount\'s config, e.g. kubernetes/={"kubernetes_host":"https://127.0.0.1:6443"} or jwt/=@file.json (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: SeedFlags) => {
      const address = flags.address ?? io.env['VAULT_ADDR'];
      const token = flags.tokenFile ? readFileSync(flags.tokenFile, 'utf8').trim() : io.env['VAULT_TOKEN'];
      if (!address) throw new SeedError('no Vault address: pass --address or set VAULT_ADDR');
      if (!token) throw new SeedError('no token: pass --token-file or set VAULT_TOKEN');
      const state = JSON.parse(readFileSync(file, 'utf8')) as SeedState;
      const namespace = flags.namespace ?? io.env['VAULT_NAMESPACE'];
      const caFile = flags.caFile ?? io.env['VAULT_CACERT'];
      const result = await seedVault(state, {
        address, token,
        ...(namespace ? { namespace } : {}),
        ...(caFile ? { caFile } : {}),
        authConfigOverrides: parseAuthConfig(flags.authConfig),
        progress: flags.json ? undefined : (line) => io.stdout.write(`${line}\n`),
      });
      if (flags.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout.write(`seeded ${address}: ${result.mounts.length} mounts, ${result.authMounts.length} auth methods, ${result.roles.length} roles, ${result.policies.length} policies, ${result.secrets.length} secrets\n`);
    });
}
