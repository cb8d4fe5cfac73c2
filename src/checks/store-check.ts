// Checks of a SecretStore / ClusterSecretStore object: address, login (auth mount, role, binding),
// and the KV mount, revealed only as far as the role's own policies could see it (issue "no oracle").
import { loginNamespace, secretNamespace } from '../eso/vault-namespaces.js';
import { DEFAULT_CONTROLLER_CLASS } from '../eso/plan.js';
import { planIdentity } from '../eso/index.js';
import type { EsoProblem, StoreModel, VaultProviderModel } from '../eso/model.js';
import type { FactOptions, KvMountFact } from '../vault/facts.js';
import { kvMountFindings } from './rules/kv-mount.js';
import { insecureAddressFindings, lookupSelfDeniedFinding, nothingGrantedUnderMountFinding, notVerifiableIdentityFinding } from './rules/store-config.js';
import { evaluateAcl, hasMountAccess, isOperationAllowed } from '../vault/acl/index.js';
import { blocksReference, storeResolutionFindings } from './rules/store-resolution.js';
import { storeConditionFindings } from './rules/store-conditions.js';
import { resolveStoreAccess, storeLabel, type StoreCheckEnv } from './store-access.js';
import { esoMountPath, uncheckedNameFinding } from './rules/vault-names.js';
import { vaultNameProblem } from '../vault/request-path.js';
import { storeMountProbePath } from '../vault/kv-paths.js';

export type { StoreCheckEnv } from './store-access.js';

export async function checkStore(store: StoreModel, problems: readonly EsoProblem[], env: StoreCheckEnv): Promise<void> {
  const { collector } = env;
  if (store.provider.type !== 'vault') return;
  if (store.controller !== undefined && store.controller !== '' && store.controller !== DEFAULT_CONTROLLER_CLASS) {
    collector.add({ code: 'StoreOutOfScope', severity: 'info', field: 'spec.controller', message: `The store belongs to controller class "${store.controller}"; only stores of the default class ("${DEFAULT_CONTROLLER_CLASS}" or unset) are checked.` });
    return;
  }
  const vault = store.provider.vault;
  collector.add(...storeResolutionFindings(await withMountPathFix(problems, vault, env)));
  collector.add(...insecureAddressFindings(vault.server, 'spec.provider.vault.server'));
  collector.add(...storeConditionFindings(store));
  // Every problem that does not depend on another is reported (issue 15 item 11): a broken auth
  // section stops the login checks only, a broken path/version the KV mount check only.
  const blocking = problems.filter((p) => blocksReference([p]));
  const under = (p: EsoProblem, prefix: string): boolean => p.field === prefix || p.field.startsWith(`${prefix}.`) || p.field.startsWith(`${prefix}[`);
  const INDEPENDENT = ['spec.conditions', 'spec.provider.vault.auth', 'spec.provider.vault.path', 'spec.provider.vault.version'];
  if (blocking.some((p) => !INDEPENDENT.some((x) => under(p, x)))) return;
  const loginBlocked = blocking.some((p) => under(p, 'spec.provider.vault.auth'));
  const mountBlocked = blocking.some((p) => under(p, 'spec.provider.vault.path') || under(p, 'spec.provider.vault.version'));
  const opts: FactOptions = { ...env.opts, ...(secretNamespace(vault) ? { namespace: secretNamespace(vault) } : {}) };
  const identity = planIdentity(store, store.kind === 'SecretStore' ? store.namespace : undefined, env.lookup.controllerServiceAccount);
  if (loginBlocked) {
    // The login is already reported broken; the KV mount is judged as for an unknown identity.
    if (mountBlocked || !env.disclosure.mountBeyondPolicy || !env.facts.isConfigured(vault.server)) return;
    await checkStoreMount(store, vault, env, opts);
    return;
  }
  const access = await resolveStoreAccess(env, store, identity);
  if (access.status === 'unavailable') return;
  if (access.status === 'blocked') {
    // The login fails (reported); the mount is independent of it but revealed only to an operator.
    if (!mountBlocked && env.disclosure.mountBeyondPolicy) await checkStoreMount(store, vault, env, opts);
    return;
  }
  const mountPath = vault.path === null ? undefined : esoMountPath(vault.path);
  if (access.status === 'unknown-identity') {
    collector.add(
      notVerifiableIdentityFinding({
        store: storeLabel(store),
        identity: access.reason ? { ...identity, notVerifiableReason: access.reason } : identity,
        field: vault.auth.field,
        consequence: 'the role binding and policy coverage cannot be checked',
      }),
    );
    if (!env.disclosure.mountBeyondPolicy || mountPath === undefined) return;
  } else if (!isOperationAllowed(evaluateAcl(access.loginAcl, 'auth/token/lookup-self'), 'read')) {
    collector.add(
      lookupSelfDeniedFinding({ store: storeLabel(store), field: vault.auth.field, roleName: access.roleName, policyNames: access.policyNames }),
    );
  }
  if (access.status === 'ok' && mountPath !== undefined && mountPath !== '' && !hasMountAccess(access.acl, `${mountPath}/`)) {
    collector.add(
      nothingGrantedUnderMountFinding({
        store: storeLabel(store),
        field: 'spec.provider.vault.path',
        mountPath,
        roleName: access.roleName,
        policyNames: access.policyNames,
      }),
    );
    if (!env.disclosure.mountBeyondPolicy) return;
  }
  if (mountBlocked) return;
  await checkStoreMount(store, vault, env, opts);
}

/**
 * A file path in kubernetes auth's mountPath has one certain fix when Vault has exactly one
 * kubernetes auth mount (in the login namespace): the same list AuthMountNotFound's hint shows.
 */
async function withMountPathFix(problems: readonly EsoProblem[], vault: VaultProviderModel, env: StoreCheckEnv): Promise<readonly EsoProblem[]> {
  const bad = problems.find((p) => p.code === 'InvalidMountPath');
  if (!bad || vault.auth.method !== 'kubernetes' || !env.facts.isConfigured(vault.server)) return problems;
  const loginNs = loginNamespace(vault);
  if (loginNs !== undefined && vaultNameProblem('namespace', loginNs)) return problems;
  const mounts = await env.facts.authMounts(vault.server, { ...env.opts, ...(loginNs ? { namespace: loginNs } : {}) });
  if (mounts.status !== 'ok') return problems; // the fix is optional: no could-not-check for it
  const kubernetes = Object.values(mounts.value).filter((m) => m.type === 'kubernetes');
  const only = kubernetes.length === 1 ? kubernetes[0]?.path.replace(/\/+$/, '') : undefined;
  if (only === undefined || only === '') return problems;
  return problems.map((p) => (p === bad ? { ...p, fix: { field: p.field, value: only } } : p));
}

/** The KV mount serving the store's path, and its version. */
async function checkStoreMount(store: StoreModel, vault: VaultProviderModel, env: StoreCheckEnv, opts: FactOptions): Promise<void> {
  const { collector } = env;
  const mountPath = vault.path === null ? undefined : esoMountPath(vault.path);
  if (mountPath === undefined || mountPath === '') return;
  const pathProblem = vaultNameProblem('kvMount', mountPath);
  if (pathProblem) {
    collector.add(uncheckedNameFinding({ field: 'spec.provider.vault.path', problem: pathProblem, consequence: 'the KV mount is not checked against Vault' }));
    return;
  }
  const requestPath = vault.version === 'v2' ? `${mountPath}/data/<key>` : `${mountPath}/<key>`;
  const mountFact = await env.facts.mountForPath(vault.server, storeMountProbePath(mountPath, vault.version), opts);
  if (collector.failed('spec.provider.vault.path', mountFact)) return;
  const mount: KvMountFact | undefined = mountFact.status === 'ok' ? mountFact.value : undefined;
  const verdict = kvMountFindings({
    store: storeLabel(store),
    storeVersion: vault.version,
    storePath: vault.path,
    requestPath,
    purpose: 'data',
    field: 'spec.provider.vault.path',
    versionField: 'spec.provider.vault.version',
    mount,
    storeOnly: true,
  });
  collector.add(...verdict.findings);
}
