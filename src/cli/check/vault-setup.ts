// The Vault client configuration of a `check` run: the config file's `vault` section, adjusted by
// the workstation/CI flags. `--vault-token` logs in to every server with that token;
// `--vault-addr` / `--vault-map` keep the name stores use (`server`) and change where to connect.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseServerUrl, parseVaultConfig, VaultConfigError, type VaultClientConfig, type VaultServerConfig } from '../../vault/index.js';
import { CheckConfigError } from './errors.js';

export interface VaultFlags {
  /** A person's or CI job's own Vault token (--vault-token or $VAULT_TOKEN). */
  token?: string;
  /** Connect every server's traffic to this address. */
  address?: string;
  /** Normalised server URL → address; wins over `address`. */
  map: Map<string, string>;
}

export interface PreparedVaultConfig {
  config: VaultClientConfig;
  /** Removes the private token file written for --vault-token. */
  cleanup(): void;
}

/** `SERVER=ADDR` (repeatable --vault-map) → normalised server → address. */
export function parseVaultMap(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const server = at > 0 ? entry.slice(0, at).trim() : '';
    const address = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!/^https?:\/\//.test(server) || !/^https?:\/\//.test(address)) {
      throw new CheckConfigError(`--vault-map expects SERVER=ADDR with two http(s):// URLs, got "${entry}"`);
    }
    map.set(normaliseServerUrl(server), address);
  }
  return map;
}

/** The login config reads credentials from files only, so the flag's token goes into a private temporary file. */
function writeTokenFile(token: string): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'eso-vault-guard-check-'));
  const file = join(dir, 'token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { file, dir };
}

/**
 * `section` is the config file's `vault` section (possibly empty); `storeServers` are the
 * `spec.provider.vault.server` values of every store the run may use.
 */
export function prepareVaultConfig(section: Record<string, unknown>, flags: VaultFlags, storeServers: readonly string[]): PreparedVaultConfig {
  if (flags.address !== undefined && !/^https?:\/\//.test(flags.address)) {
    throw new CheckConfigError(`--vault-addr expects an http(s):// URL, got "${flags.address}"`);
  }
  let base: VaultClientConfig;
  try {
    base = parseVaultConfig({ servers: [], ...section });
  } catch (err) {
    if (err instanceof VaultConfigError) throw new CheckConfigError(`vault: ${err.message}`);
    throw err;
  }
  const tokenFile = flags.token ? writeTokenFile(flags.token) : undefined;
  const login = tokenFile ? { method: 'token' as const, tokenFile: tokenFile.file } : undefined;
  const servers = new Map<string, VaultServerConfig>();
  for (const s of base.servers) servers.set(normaliseServerUrl(s.url), login ? { ...s, login } : s);
  // With a login of our own, every server a store names (or --vault-map names) can be asked.
  if (login) {
    for (const url of [...storeServers, ...flags.map.keys()]) {
      const key = normaliseServerUrl(url);
      if (!servers.has(key) && /^https?:\/\//.test(url.trim())) servers.set(key, { url: url.trim(), login });
    }
  }
  for (const [key, server] of servers) {
    const address = flags.map.get(key) ?? flags.address;
    if (address !== undefined) servers.set(key, { ...server, address });
  }
  return {
    // No periodic health probe in a one-shot run.
    config: { ...base, servers: [...servers.values()], healthIntervalMs: 0 },
    cleanup() {
      if (tokenFile) rmSync(tokenFile.dir, { recursive: true, force: true });
    },
  };
}
