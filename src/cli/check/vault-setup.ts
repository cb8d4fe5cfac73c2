// The Vault client configuration of a `check` run: the config file's `vault` section, adjusted by
// the workstation/CI flags. `--vault-token` logs in with that token; `--vault-addr` / `--vault-map`
// keep the name stores use (`server`) and change where to connect.
//
// A credential goes only to an address the operator named: a server of the config file, a
// `--vault-map` entry, or `--vault-addr`. A server that only the input names (a pull request's store
// saying `server: https://attacker:8200`) gets no login: its stores are "could not check". Plain
// http:// carries no credential unless `--allow-insecure-http` says so.
import type { VaultSectionConfig } from '../../config/index.js';
import { normaliseServerUrl, type VaultClientConfig, type VaultServerConfig } from '../../vault/index.js';
import { CheckConfigError } from './errors.js';

export interface VaultFlags {
  /** A person's or CI job's own Vault token (--vault-token or $VAULT_TOKEN). */
  token?: string;
  /** Connect every server's traffic to this address. */
  address?: string;
  /** Normalised server URL → address; wins over `address`. */
  map: Map<string, string>;
  /** Credentials may travel over plain http:// (test doubles, a local dev Vault). */
  allowInsecureHttp?: boolean;
}

export interface PreparedVaultConfig {
  config: VaultClientConfig;
  /** Where each server's traffic goes and who named that address, for messages: normalised server → dial. */
  dials: Map<string, ServerDial>;
}

export interface ServerDial {
  /** The address actually dialled. */
  address: string;
  /** Which setting named it: `--vault-addr`, `--vault-map`, `--config`. */
  origin: string;
}

const HTTP_URL = /^https?:\/\//i;

/** `SERVER=ADDR` (repeatable --vault-map) → normalised server → address. */
export function parseVaultMap(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const server = at > 0 ? entry.slice(0, at).trim() : '';
    const address = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!HTTP_URL.test(server) || !HTTP_URL.test(address)) {
      throw new CheckConfigError(`--vault-map expects SERVER=ADDR with two http(s):// URLs, got "${entry}"`);
    }
    map.set(normaliseServerUrl(server), address);
  }
  return map;
}

function refuseInsecure(server: VaultServerConfig, dial: ServerDial): void {
  if (!/^http:\/\//i.test(dial.address)) return;
  throw new CheckConfigError(
    `${dial.origin} names ${dial.address} for Vault server ${server.url}: plain http:// would carry the Vault credential unencrypted. ` +
      'Fix: use an https:// address, or add --allow-insecure-http for a local or test Vault',
  );
}

/**
 * `section` is the config file's validated `vault` section; `storeServers` are the
 * `spec.provider.vault.server` values of every store the run may use (they get a login only
 * through --vault-addr, which names where their traffic goes).
 */
export function prepareVaultConfig(base: VaultSectionConfig, flags: VaultFlags, storeServers: readonly string[]): PreparedVaultConfig {
  if (flags.address !== undefined && !HTTP_URL.test(flags.address)) {
    throw new CheckConfigError(`--vault-addr expects an http(s):// URL, got "${flags.address}"`);
  }
  // Held in memory: no token file that a killed process could leave behind.
  const login = flags.token ? { method: 'inline-token' as const, token: flags.token } : undefined;
  const servers = new Map<string, VaultServerConfig>();
  const dials = new Map<string, ServerDial>();
  for (const s of base.servers) servers.set(normaliseServerUrl(s.url), login ? { ...s, login } : s);
  if (login) {
    // Servers the operator named with --vault-map, and (with --vault-addr) every store's server,
    // whose traffic then goes to that one address.
    const named = [...flags.map.keys(), ...(flags.address !== undefined ? storeServers : [])];
    for (const url of named) {
      const key = normaliseServerUrl(url);
      if (!servers.has(key) && HTTP_URL.test(url.trim())) servers.set(key, { url: url.trim(), login });
    }
  }
  for (const [key, server] of servers) {
    const mapped = flags.map.get(key);
    const dial: ServerDial = mapped !== undefined
      ? { address: mapped, origin: '--vault-map' }
      : flags.address !== undefined
        ? { address: flags.address, origin: '--vault-addr' }
        : { address: server.address ?? server.url, origin: `--config (vault.servers ${server.url})` };
    if (!flags.allowInsecureHttp) refuseInsecure(server, dial);
    dials.set(key, dial);
    servers.set(key, { ...server, address: dial.address });
  }
  return {
    // No periodic health probe in a one-shot run.
    config: { ...base, servers: [...servers.values()], healthIntervalMs: 0 },
    dials,
  };
}
