// The VaultFacts of `check --offline`: no Vault, no credential, no network. Every server counts as
// configured (so the static checks run as for a reachable one), and every lookup answers "skipped:
// offline" at once, which the checks treat as "not asked" without a per-object VaultUnavailable.
import type { Fact, VaultFacts } from './facts.js';

function notAsked<T>(server: string, what: string): Promise<Fact<T>> {
  return Promise.resolve({ status: 'skipped', source: `${what} on ${server}`, reason: 'offline' });
}

export function createOfflineFacts(): VaultFacts {
  return {
    isConfigured: () => true,
    mountForPath: (server, path) => notAsked(server, `the mount of ${path}`),
    authMounts: (server) => notAsked(server, 'sys/auth'),
    authRole: (server, mountPath, role) => notAsked(server, `auth/${mountPath}/role/${role}`),
    authConfig: (server, mountPath) => notAsked(server, `auth/${mountPath}/config`),
    policyText: (server, name) => notAsked(server, `policy ${name}`),
    kvMetadata: (server) => notAsked(server, 'KV metadata'),
    readSecretShape: (server) => notAsked(server, 'a secret'),
    listKeys: (server) => notAsked(server, 'a LIST'),
    metadataOnly: false,
    readsValues: () => false,
    // No presentedChain: the TLS trust check uses the manifests' CA settings only.
  };
}
