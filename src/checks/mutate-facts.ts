// Gathers what computePatch needs: store existence from the cluster, the store's role from Vault.
import { loginNamespace } from '../eso/vault-namespaces.js';
import { parseEsoObject, type StoreLookup } from '../eso/index.js';
import type { VaultFacts } from '../vault/facts.js';
import type { MutationFacts } from './mutate.js';

export async function gatherMutationFacts(
  obj: unknown,
  ctx: { facts: VaultFacts; lookup: StoreLookup; deadlineAtMs: number },
): Promise<MutationFacts> {
  const out: MutationFacts = { storesByName: {} };
  const parsed = parseEsoObject(obj);
  if (parsed.kind === 'ExternalSecret') {
    const names = new Set<string>();
    const es = parsed.model;
    if (es.secretStoreRef) names.add(es.secretStoreRef.name);
    for (const d of es.data) if (d.storeRef) names.add(d.storeRef.name);
    for (const d of es.dataFrom) if (d.storeRef) names.add(d.storeRef.name);
    for (const name of names) {
      out.storesByName[name] = {
        secretStore: ctx.lookup.getStore('SecretStore', name, es.namespace) !== undefined,
        clusterSecretStore: ctx.lookup.getStore('ClusterSecretStore', name, '') !== undefined,
      };
    }
    return out;
  }
  if (parsed.kind !== 'SecretStore' && parsed.kind !== 'ClusterSecretStore') return out;
  const provider = parsed.model.provider;
  if (provider.type !== 'vault') return out;
  const auth = provider.vault.auth;
  if (auth.method !== 'kubernetes' && auth.method !== 'jwt') return out;
  if (!ctx.facts.isConfigured(provider.vault.server)) return out;
  const mountPath = (auth.method === 'kubernetes' ? auth.mountPath : auth.path).replace(/^\/+|\/+$/g, '');
  const role = await ctx.facts.authRole(provider.vault.server, mountPath, auth.role, {
    deadlineAtMs: ctx.deadlineAtMs,
    ...(loginNamespace(provider.vault) ? { namespace: loginNamespace(provider.vault) } : {}),
  });
  if (role.status === 'ok') out.role = role.value;
  return out;
}
