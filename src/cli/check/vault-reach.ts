// Whether the Vault servers a `check` run needs can be used at all. A server that cannot be reached,
// or that refuses the credential, is one fatal error naming the address dialled and the cause —
// not a could-not-check line per object. With --fail-open the run goes on, and lookups on such a
// server fail at once instead of dialling again for every object.
import { normaliseServerUrl, type LoginFailure, type VaultFacts, type VaultFactsService } from '../../vault/index.js';
import type { ServerDial } from './vault-setup.js';

export interface ReachProblem {
  /** Store server names (as the manifests write them) that go to `address`. */
  servers: string[];
  address: string;
  origin: string;
  failure: LoginFailure;
}

/** Login failures of the servers the run's stores use, one per address and cause. */
export function reachProblems(facts: VaultFactsService, dials: ReadonlyMap<string, ServerDial>, usedServers: readonly string[]): ReachProblem[] {
  const used = new Set(usedServers.map(normaliseServerUrl));
  const grouped = new Map<string, ReachProblem>();
  for (const { url, address, failure } of facts.loginFailures()) {
    const key = normaliseServerUrl(url);
    if (!used.has(key)) continue;
    const origin = dials.get(key)?.origin ?? '--config';
    const group = `${address}\u0000${failure.kind}\u0000${failure.detail}`;
    const known = grouped.get(group);
    if (known) known.servers.push(url);
    else grouped.set(group, { servers: [url], address, origin, failure });
  }
  return [...grouped.values()];
}

function named(p: ReachProblem): string {
  const others = p.servers.filter((s) => normaliseServerUrl(s) !== normaliseServerUrl(p.address));
  return others.length > 0 ? `${p.address} (from ${p.origin}, for ${others.join(', ')})` : `${p.address} (from ${p.origin})`;
}

/** One line: what failed, where, why, and which flag fixes it. */
export function describeReachProblem(p: ReachProblem): string {
  switch (p.failure.kind) {
    case 'unreachable':
      return `cannot reach Vault at ${named(p)}: ${p.failure.detail}. Fix: check the address and that this runner can reach it (--vault-addr, --vault-map), or raise --timeout-ms`;
    case 'refused':
      return `Vault at ${named(p)} refused the login: ${p.failure.detail}. Fix: give a valid token with the webhook's read-only policy in --vault-token or $VAULT_TOKEN`;
    default:
      return `cannot log in to Vault at ${named(p)}: ${p.failure.detail}. Fix: check the login (--vault-token, $VAULT_TOKEN, or the --config vault section)`;
  }
}

const FACT_METHODS = ['mountForPath', 'authMounts', 'authRole', 'authConfig', 'kvConfig', 'policyText', 'kvMetadata', 'readSecretShape', 'listKeys'] as const;

/**
 * `facts` where every authenticated lookup on a dead server answers `unavailable` at once (normalised
 * server → reason). Everything else passes through: the budget, the flavour, the value-read setting and
 * the TLS handshake of the trust check (it sends no credential, and sees what ESO would see).
 */
export function withoutDeadServers(facts: VaultFacts, dead: ReadonlyMap<string, string>): VaultFacts {
  if (dead.size === 0) return facts;
  const guarded = new Set<string | symbol>(FACT_METHODS);
  return new Proxy(facts, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const original = (value as (...args: unknown[]) => unknown).bind(target);
      if (!guarded.has(prop)) return original;
      return (server: string, ...rest: unknown[]) => {
        const detail = dead.get(normaliseServerUrl(server));
        return detail === undefined ? original(server, ...rest) : Promise.resolve({ status: 'unavailable', source: `Vault server ${server}`, detail });
      };
    },
  });
}
