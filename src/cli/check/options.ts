// The validated options of one `check` run, from commander's raw values.
import type { Trust } from '../../checks/disclosure.js';
import { CheckConfigError } from './errors.js';
import type { StoresFrom } from './stores.js';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type OutputFormat = (typeof FORMATS)[number];
export const STORES_FROM: readonly StoresFrom[] = ['files', 'cluster', 'both'];
export const TRUST_LEVELS: readonly Trust[] = ['store-identity', 'operator'];
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 8;

export interface RawCheckOptions {
  format?: string;
  output?: string;
  config?: string;
  storesFrom?: string;
  kubeconfig?: string;
  controllerSa?: string;
  vaultToken?: string;
  vaultAddr?: string;
  vaultMap?: string[];
  defaultAudience?: string[];
  trust?: string;
  timeoutMs?: string;
  concurrency?: string;
  namespace?: string;
  failOpen?: boolean;
  quiet?: boolean;
  /** commander's `--no-color` */
  color?: boolean;
  allowInsecureHttp?: boolean;
  offline?: boolean;
}

export interface CheckOptions {
  format: OutputFormat;
  output?: string;
  config?: string;
  storesFrom: StoresFrom;
  kubeconfig?: string;
  controllerSa?: string;
  vaultToken?: string;
  vaultAddr?: string;
  vaultMap: string[];
  defaultAudiences?: string[];
  trust: Trust;
  timeoutMs: number;
  concurrency: number;
  namespace: string;
  failOpen: boolean;
  /** Errors only, no summary or progress. */
  quiet: boolean;
  /** False with `--no-color`; colour also needs a terminal and no NO_COLOR. */
  colour: boolean;
  /** Credentials may go to plain http:// addresses. */
  allowInsecureHttp: boolean;
  /** The static checks only: no Vault, no credential, no cluster. */
  offline: boolean;
}

/** Flags that would send something to Vault or a cluster: a usage error with --offline. */
function refuseWithOffline(raw: RawCheckOptions): void {
  const given = [
    raw.vaultToken !== undefined ? '--vault-token' : undefined,
    raw.vaultAddr !== undefined ? '--vault-addr' : undefined,
    raw.vaultMap && raw.vaultMap.length > 0 ? '--vault-map' : undefined,
    raw.allowInsecureHttp ? '--allow-insecure-http' : undefined,
    raw.storesFrom !== undefined && raw.storesFrom !== 'files' ? `--stores-from ${raw.storesFrom}` : undefined,
    raw.kubeconfig !== undefined ? '--kubeconfig' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (given.length > 0) {
    throw new CheckConfigError(`--offline asks neither Vault nor a cluster, so ${given.join(', ')} cannot be used with it. Fix: drop ${given.length === 1 ? 'it' : 'them'}, or drop --offline`);
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CheckConfigError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new CheckConfigError(`${flag} must be a positive integer, got "${value}"`);
  return Number(value);
}

export function checkOptions(raw: RawCheckOptions, env: Record<string, string | undefined> = process.env): CheckOptions {
  if (raw.offline) refuseWithOffline(raw);
  // $VAULT_TOKEN is ignored offline (a CI job may well have it set): nothing is sent anywhere.
  const token = raw.offline ? undefined : raw.vaultToken ?? (env['VAULT_TOKEN'] || undefined);
  return {
    format: oneOf('--format', raw.format, FORMATS, 'text'),
    ...(raw.output ? { output: raw.output } : {}),
    ...(raw.config ? { config: raw.config } : {}),
    storesFrom: oneOf('--stores-from', raw.storesFrom, STORES_FROM, 'files'),
    ...(raw.kubeconfig ? { kubeconfig: raw.kubeconfig } : {}),
    ...(raw.controllerSa ? { controllerSa: raw.controllerSa } : {}),
    ...(token ? { vaultToken: token } : {}),
    ...(raw.vaultAddr ? { vaultAddr: raw.vaultAddr } : {}),
    vaultMap: raw.vaultMap ?? [],
    ...(raw.defaultAudience && raw.defaultAudience.length > 0 ? { defaultAudiences: raw.defaultAudience } : {}),
    trust: oneOf('--trust', raw.trust, TRUST_LEVELS, 'store-identity'),
    timeoutMs: positiveInt('--timeout-ms', raw.timeoutMs, DEFAULT_TIMEOUT_MS),
    concurrency: positiveInt('--concurrency', raw.concurrency, DEFAULT_CONCURRENCY),
    namespace: raw.namespace || 'default',
    failOpen: raw.failOpen === true,
    quiet: raw.quiet === true,
    colour: raw.color !== false,
    allowInsecureHttp: raw.allowInsecureHttp === true,
    offline: raw.offline === true,
  };
}
