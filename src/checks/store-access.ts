// Login-side facts of one store for one identity: auth mount, role, binding, and the compiled ACL
// of the role's policies. Shared by the ExternalSecret, PushSecret and store checks (one call
// shape: the object's env, the store, the identity), computed once per store and identity within
// one admission.
import type { IdentityPlan, StoreModel, VaultProviderModel } from '../eso/model.js';
import { serviceAccountTokenClaims } from '../eso/identity.js';
import type { StoreLookup } from '../eso/index.js';
import { headerNamespace, loginNamespace, policyPathPrefix, secretNamespace } from '../eso/vault-namespaces.js';
import {
  aclInChildNamespace,
  BUILTIN_DEFAULT_POLICY,
  compileAcl,
  evaluateAcl,
  isOperationAllowed,
  jwtLoginIdentity,
  kubernetesLoginIdentity,
  policiesFromRole,
  type AclIdentity,
  type CompiledAcl,
  type PolicySource,
} from '../vault/acl/index.js';
import type { FactOptions, VaultFacts } from '../vault/facts.js';
import type { Collector } from './collector.js';
import type { Disclosure } from './disclosure.js';
import type { Finding } from './finding.js';
import { authMountFindings, roleNotFoundFinding } from './rules/auth-mount.js';
import type { StoreLabel } from './rules/describe.js';
import { roleBindingFindings } from './rules/role-binding.js';
import { esoMountPath, invalidRoleFinding, uncheckedNameFinding } from './rules/vault-names.js';
import { vaultNameProblem } from '../vault/request-path.js';
import { isClientJwtMode, tokenReviewNotPermittedFinding, tokenReviewNotVerifiableFinding } from './rules/token-review.js';
import type { TokenReviewAccess, TokenReviewPermission } from './token-review-access.js';

export type StoreAccess =
  /** The login would work as far as can be known; `acl` holds the role's policies. */
  | {
      status: 'ok';
      /** The token's ACL as secret requests (in the store's Vault namespace) meet it. */
      acl: CompiledAcl;
      /** The same ACL in the login namespace (lookup-self, role visibility). */
      loginAcl: CompiledAcl;
      policyNames: string[]; sources: PolicySource[]; roleName: string; authMountPath: string; role: Record<string, unknown> }
  /** The login would fail (findings already recorded). */
  | { status: 'blocked' }
  /** The identity cannot be known without a credential (token, secretRef JWT, approle, cert, ...). */
  | { status: 'unknown-identity'; reason?: string }
  /** Vault could not be asked (recorded as could-not-check). */
  | { status: 'unavailable' };

/** What the checks of one object share: the facts, the stores, who may learn what, and its findings. */
export interface StoreCheckEnv {
  facts: VaultFacts;
  lookup: StoreLookup;
  /** The object's deadline and budget; each check adds the Vault namespace it asks in. */
  opts: Omit<FactOptions, 'namespace'>;
  defaultAudiences: string[];
  disclosure: Disclosure;
  collector: Collector;
  /** Who answers whether a ServiceAccount may create tokenreviews (client-JWT mode); absent: no cluster to ask. */
  tokenReviews?: TokenReviewAccess;
}

/** The store access of the ok case: the login works as far as can be known. */
export type GrantedAccess = Extract<StoreAccess, { status: 'ok' }>;

export function storeLabel(store: StoreModel): StoreLabel {
  return { kind: store.kind, name: store.name, ...(store.namespace ? { namespace: store.namespace } : {}) };
}

/** Field of the auth mount path and of the role, per method. */
export function authFields(auth: VaultProviderModel['auth']): { mountField: string; roleField: string } {
  const mountKey = auth.method === 'kubernetes' ? 'mountPath' : 'path';
  const roleKey = auth.method === 'cert' || auth.method === 'iam' ? 'vaultRole' : 'role';
  return { mountField: `${auth.field}.${mountKey}`, roleField: `${auth.field}.${roleKey}` };
}

/** Store access per store and identity within one object (see sharedStoreAccess). */
export class StoreAccessCache {
  readonly byKey = new Map<string, Promise<StoreAccess>>();
  /** The last store and identity asked, with the answer (the same objects: the same key). */
  last: { store: StoreModel; identity: IdentityPlan; access: Promise<StoreAccess> } | undefined;
}

/**
 * Store access per store and identity, computed once per object: the references of one
 * ExternalSecret through one store share it (and its findings are recorded once).
 */
export function sharedStoreAccess(
  cache: StoreAccessCache,
  env: StoreCheckEnv,
  store: StoreModel,
  identity: IdentityPlan,
  reportField?: string,
): Promise<StoreAccess> {
  // The references of one object almost always name the same store model and identity objects.
  const last = cache.last;
  if (last && last.store === store && last.identity === identity) return last.access;
  const sa = identity.serviceAccount;
  const key = `${store.kind}/${store.namespace ?? ''}/${store.name}|${sa?.namespace ?? ''}/${sa?.name ?? ''}`;
  let access = cache.byKey.get(key);
  if (!access) cache.byKey.set(key, (access = resolveStoreAccess(env, store, identity, reportField)));
  cache.last = { store, identity, access };
  return access;
}

/**
 * What resolveStoreAccess derives from the store, the identity and the report field alone (names,
 * fields, name problems): a pure function of objects that are replaced, never changed, so it is
 * worked out once per identity, store and report field and kept by the identity.
 */
interface LoginPlan {
  store: StoreModel;
  reportField: string | undefined;
  loginNs: string | undefined;
  label: StoreLabel;
  mountField: string;
  roleField: string;
  namespaceProblem: ReturnType<typeof vaultNameProblem>;
  authMountPath: string | undefined;
  mountProblem: ReturnType<typeof vaultNameProblem>;
  roleReadable: boolean;
  roleProblem: ReturnType<typeof vaultNameProblem>;
  /** policyPathPrefix: null when the login namespace is not the secrets' or above it. */
  prefix: string | null;
  identityText: string;
}
const loginPlans = new WeakMap<IdentityPlan, LoginPlan[]>();

function loginPlanOf(store: StoreModel, vault: VaultProviderModel, identity: IdentityPlan, reportField: string | undefined): LoginPlan {
  // A store's own check (no report field) has a store model of its own, parsed from the admission:
  // nothing to find again, so nothing is kept for it.
  let plans = reportField === undefined ? undefined : loginPlans.get(identity);
  for (const plan of plans ?? []) if (plan.store === store && plan.reportField === reportField) return plan;
  // ESO logs in under auth.namespace when it is set (auth.go useAuthNamespace): the auth mount, the
  // role and the policies are looked up there; secrets are read under the store's namespace.
  const loginNs = loginNamespace(vault) || undefined;
  const { mountField, roleField } = authFields(vault.auth);
  const authMountPath = identity.authMountPath === undefined ? undefined : esoMountPath(identity.authMountPath);
  // Roles are read at auth/<mount>/role/<name> for kubernetes and jwt only; other methods' roles
  // live elsewhere or are named by a credential (approle's role_id). An empty jwt role means the
  // mount's default_role (Vault's jwt login), so it is not a name to check.
  const roleReadable = identity.role !== undefined && identity.role !== '' && authMountPath !== undefined && (identity.method === 'kubernetes' || identity.method === 'jwt');
  const plan: LoginPlan = {
    store,
    reportField,
    loginNs,
    label: Object.freeze(storeLabel(store)), // shared by every admission through this plan: never changed
    mountField,
    roleField,
    namespaceProblem: loginNs !== undefined ? vaultNameProblem('namespace', loginNs) : undefined,
    authMountPath,
    mountProblem: authMountPath !== undefined ? vaultNameProblem('authMount', authMountPath) : undefined,
    roleReadable,
    roleProblem: roleReadable ? vaultNameProblem('role', identity.role as string) : undefined,
    prefix: policyPathPrefix(vault),
    identityText: identityText(identity),
  };
  if (reportField === undefined) return plan;
  if (!plans) loginPlans.set(identity, (plans = []));
  if (plans.length >= 16) plans.shift();
  plans.push(plan);
  return plan;
}

/**
 * Where ESO reads, said for the NotVerifiable reason. After a login under auth.namespace ESO sets
 * the namespace back to spec.namespace, or to "" (root) when unset, which drops a custom
 * X-Vault-Namespace header (auth.go useAuthNamespace): a store relying on that header reads in root.
 */
function readsUnder(vault: Parameters<typeof secretNamespace>[0]): string {
  const ns = secretNamespace(vault) ?? '';
  if (ns !== '') return `"${ns}"`;
  const header = headerNamespace(vault);
  return header !== undefined && header !== ''
    ? `the root namespace (after the login ESO resets the namespace to the unset spec.provider.vault.namespace, dropping the X-Vault-Namespace header "${header}"; set namespace: "${header}" to read there)`
    : 'the root namespace';
}

/**
 * The login side of `store` for `identity`: auth mount, role, binding and the role's policies.
 * `reportField`: report every finding on this field (ExternalSecret and PushSecret checks); absent
 * for the store's own check, whose findings sit on the store's fields.
 */
export async function resolveStoreAccess(env: StoreCheckEnv, store: StoreModel, identity: IdentityPlan, reportField?: string): Promise<StoreAccess> {
  if (store.provider.type !== 'vault') return { status: 'unknown-identity' }; // callers check Vault stores only
  const vault = store.provider.vault;
  const { facts, collector } = env;
  const plan = loginPlanOf(store, vault, identity, reportField);
  const { loginNs, label, mountField, roleField, namespaceProblem, authMountPath, mountProblem, roleProblem, prefix } = plan;
  const roleReadable = plan.roleReadable && authMountPath !== undefined; // (the plan's roleReadable implies a mount path)
  const opts: FactOptions = { deadlineAtMs: env.opts.deadlineAtMs, ...(loginNs ? { namespace: loginNs } : {}) };
  const failField = reportField ?? 'spec.provider.vault.server';
  if (!facts.isConfigured(vault.server)) {
    collector.unavailable(failField, { status: 'not_configured', source: `store server ${vault.server}`, server: vault.server });
    return { status: 'unavailable' };
  }
  // Names that go into Vault paths are checked before any request: a name Vault cannot hold gets the
  // same answer whether or not anything exists behind it, and no request is made with it.
  if (namespaceProblem) {
    collector.add(uncheckedNameFinding({ field: reportField ?? 'spec.provider.vault.namespace', problem: namespaceProblem, consequence: 'the store is not checked against Vault' }));
    return { status: 'blocked' };
  }
  if (mountProblem) {
    collector.add(uncheckedNameFinding({ field: reportField ?? mountField, problem: mountProblem, consequence: 'the login is not checked against Vault' }));
    return { status: 'blocked' };
  }
  if (roleProblem) {
    collector.add(invalidRoleFinding({ store: label, roleField, ...(reportField ? { reportField: reportField } : {}), problem: roleProblem }));
    return { status: 'blocked' };
  }
  // The role read does not depend on the auth mount list: both go out together (one round trip, not two).
  const roleFactPromise = roleReadable ? facts.authRole(vault.server, authMountPath, identity.role as string, opts) : undefined;
  void roleFactPromise?.catch(() => undefined);
  // Kubernetes auth: the mount's config says whether Vault reviews tokens with ESO's own token. It
  // matters only with an API server to ask, or for the store's own check (its NotVerifiable note):
  // for a referencing object without a cluster no answer could change the verdict, so it is not read.
  const configMatters = env.tokenReviews !== undefined || reportField === undefined;
  const configPromise = roleReadable && identity.method === 'kubernetes' && configMatters ? facts.authConfig(vault.server, authMountPath, opts) : undefined;
  void configPromise?.catch(() => undefined);
  // The auth mount's existence and type are knowable for every method that has one.
  let accessor: string | undefined;
  if (authMountPath !== undefined && authMountPath !== '') {
    const mounts = await facts.authMounts(vault.server, opts);
    if (collector.failed(reportField ?? mountField, mounts)) return { status: 'unavailable' };
    if (mounts.status === 'ok') {
      const verdict = authMountFindings({
        store: label,
        mountField,
        ...(reportField ? { reportField: reportField } : {}),
        method: identity.method,
        authMountPath,
        authMounts: mounts.value,
        ...(opts.namespace ? { loginNamespace: { path: opts.namespace, fromAuthNamespace: vault.authNamespace !== undefined } } : {}),
      });
      if (verdict.findings.length > 0) {
        collector.add(...verdict.findings);
        return { status: 'blocked' };
      }
      accessor = verdict.mount?.accessor;
    }
  }
  if (!roleReadable || !roleFactPromise) return { status: 'unknown-identity' };
  const roleName = identity.role as string;
  const roleFact = await roleFactPromise;
  if (collector.failed(reportField ?? roleField, roleFact)) return { status: 'unavailable' };
  if (roleFact.status === 'not_found') {
    collector.add(
      roleNotFoundFinding({
        store: label,
        roleField,
        ...(reportField ? { reportField: reportField } : {}),
        roleName,
        authMountPath,
        method: identity.method,
      }),
    );
    return { status: 'blocked' };
  }
  if (roleFact.status !== 'ok') return { status: 'unavailable' };
  const role = roleFact.value;
  // The role exists, but whose token is presented is unknown (a referent ClusterSecretStore checked
  // alone, a JWT from a Secret): binding and policies cannot be evaluated.
  if (!identity.verifiable || !identity.serviceAccount) return { status: 'unknown-identity' };
  if (prefix === null) {
    return {
      status: 'unknown-identity',
      reason: `it logs in under Vault namespace "${loginNs ?? ''}" (auth.namespace) and reads under ${readsUnder(vault)}, which is not that namespace or one below it`,
    };
  }

  // Client-JWT mode: the API server's answer is asked now, beside the policy reads (one round trip less).
  const sa = identity.serviceAccount;
  const review = configPromise ? tokenReviewAnswer(env, configPromise, sa) : undefined;
  void review?.catch(() => undefined);
  const { names } = policiesFromRole(role);
  const sources: PolicySource[] = [];
  const texts = await Promise.all(names.map((name) => (name === 'root' ? null : facts.policyText(vault.server, name, opts))));
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const fact = texts[i];
    if (fact === null || fact === undefined) {
      sources.push({ name, text: '' });
      continue;
    }
    if (collector.failed(reportField ?? roleField, fact)) return { status: 'unavailable' };
    if (fact.status === 'ok') sources.push({ name, text: fact.value });
    else if (name === 'default') sources.push({ name, text: BUILTIN_DEFAULT_POLICY });
    // A policy name with no policy behind it grants nothing (Vault ignores it at login).
  }
  const namespaceLabels = sa.namespace ? env.lookup.namespaceLabels(sa.namespace) : undefined;
  const flavour = facts.flavour?.(vault.server) ?? 'vault';
  // What follows is a pure function of the facts gathered above: an admission whose facts are the
  // cached ones (the same objects) gets the ACL and binding findings computed for an earlier one.
  const inputs: unknown[] = [
    plan.identityText, reportField, label.kind, label.name, label.namespace, vault.auth.field, prefix, authMountPath, roleName, accessor, flavour,
    env.defaultAudiences, env.disclosure.roleDefinition,
  ];
  for (const p of sources) inputs.push(p.name, p.text);
  // Vault reviews the token only once the role accepts it (path_login.go), so this comes after the
  // binding; the API server's answer is never part of what is derived and kept.
  const afterBinding = async (access: StoreAccess): Promise<StoreAccess> => {
    if (access.status !== 'ok') return access;
    if (review && tokenReviewBlocks(env, store, reportField, await review, authMountPath, sa)) return { status: 'blocked' };
    return access;
  };
  const memo = derivedFor(role, inputs, namespaceLabels);
  if (memo) {
    collector.add(...memo.binding);
    // Without a token review to wait for, the derived answer is the answer (no extra async step).
    return review ? afterBinding(memo.access) : memo.access;
  }
  const aclIdentity: AclIdentity =
    identity.method === 'jwt'
      ? jwtLoginIdentity({ mountAccessor: accessor ?? '', role, claims: { ...serviceAccountTokenClaims(identity, env.defaultAudiences) }, roleName })
      : kubernetesLoginIdentity({ mountAccessor: accessor ?? '', role, serviceAccount: { name: sa.name, namespace: sa.namespace } });
  let acl: CompiledAcl;
  try {
    acl = compileAcl(sources, aclIdentity, { flavour });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    collector.unavailable(reportField ?? roleField, { status: 'unavailable', source: `policies of role ${roleName}`, detail });
    return { status: 'unavailable' };
  }
  const roleVisible = isOperationAllowed(evaluateAcl(acl, `auth/${authMountPath}/role/${roleName.toLowerCase()}`), 'read');
  const binding: Finding[] = roleBindingFindings({
    store: label,
    authField: vault.auth.field,
    ...(reportField ? { reportField: reportField } : {}),
    identity,
    authMountPath,
    roleName,
    role,
    ...(namespaceLabels ? { serviceAccountNamespaceLabels: namespaceLabels } : {}),
    defaultAudiences: env.defaultAudiences,
    revealRoleDefinition: env.disclosure.roleDefinition || roleVisible,
  });
  collector.add(...binding);
  const access: StoreAccess = binding.some((f) => f.severity === 'error')
    ? { status: 'blocked' }
    : { status: 'ok', acl: aclInChildNamespace(acl, prefix), loginAcl: acl, policyNames: names, sources, roleName, authMountPath, role };
  remember(role, inputs, namespaceLabels, { access, binding });
  return afterBinding(access);
}

// Identity plans are never changed (eso/plan.ts keeps one per store model and namespace): their text is kept by them.
const identityTexts = new WeakMap<IdentityPlan, string>();
function identityText(identity: IdentityPlan): string {
  let text = identityTexts.get(identity);
  if (text === undefined) identityTexts.set(identity, (text = JSON.stringify(identity)));
  return text;
}

/** The ACL and binding verdict derived from one role's facts, for the inputs it was derived from. */
interface DerivedAccess {
  access: StoreAccess;
  binding: Finding[];
}

// Keyed by the cached role object: a role fact that is looked up again (a new object) starts afresh,
// and so does any other input that differs (policy texts, identity, flavour, labels, ...).
const derivedByRole = new WeakMap<object, { inputs: unknown[]; labels: Record<string, string> | undefined; derived: DerivedAccess }[]>();
const DERIVED_PER_ROLE = 64;

function derivedFor(role: object, inputs: unknown[], labels: Record<string, string> | undefined): DerivedAccess | undefined {
  const entries = derivedByRole.get(role);
  if (!entries) return undefined;
  for (const entry of entries) if (sameInputs(entry.inputs, inputs) && sameLabels(entry.labels, labels)) return entry.derived;
  return undefined;
}

function sameInputs(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function remember(role: object, inputs: unknown[], labels: Record<string, string> | undefined, derived: DerivedAccess): void {
  let entries = derivedByRole.get(role);
  if (!entries) derivedByRole.set(role, (entries = []));
  if (entries.length >= DERIVED_PER_ROLE) entries.shift();
  entries.push({ inputs, labels: labels ? { ...labels } : undefined, derived });
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Client-JWT mode only: the API server's answer for the ServiceAccount, or 'no-cluster'; undefined in any other mode. */
async function tokenReviewAnswer(
  env: StoreCheckEnv,
  configPromise: ReturnType<VaultFacts['authConfig']>,
  sa: { name: string; namespace: string },
): Promise<TokenReviewPermission | 'no-cluster' | undefined> {
  const config = await configPromise;
  // The config is optional evidence: an unreadable one never stops the check.
  if (config.status !== 'ok' || !isClientJwtMode(config.value)) return undefined;
  if (!env.tokenReviews) return 'no-cluster';
  return env.tokenReviews.canCreateTokenReviews({ name: sa.name, namespace: sa.namespace }, env.opts.deadlineAtMs);
}

/**
 * Reports the answer; true when the API server says no (ESO's login fails). Without a cluster it is
 * said once, on the store only; a review that failed is could-not-check.
 */
function tokenReviewBlocks(
  env: StoreCheckEnv,
  store: StoreModel,
  reportField: string | undefined,
  answer: TokenReviewPermission | 'no-cluster' | undefined,
  authMountPath: string,
  sa: { name: string; namespace: string; source: string },
): boolean {
  if (answer === undefined || (typeof answer === 'object' && answer.status === 'allowed')) return false;
  const auth = store.provider.type === 'vault' ? store.provider.vault.auth.field : 'spec.provider.vault.auth';
  const field = reportField ?? (sa.source === 'serviceAccountRef' ? `${auth}.serviceAccountRef` : auth);
  const finding = { store: storeLabel(store), field, authMountPath, serviceAccount: { name: sa.name, namespace: sa.namespace } };
  if (answer === 'no-cluster') {
    if (reportField === undefined) env.collector.add(tokenReviewNotVerifiableFinding(finding));
    return false;
  }
  if (answer.status === 'unavailable') {
    env.collector.notChecked(`whether ServiceAccount ${sa.namespace}/${sa.name} may create tokenreviews (Vault's Kubernetes auth at "${authMountPath}" reviews ESO's token with that token) could not be asked of the Kubernetes API (${answer.detail})`);
    return false;
  }
  env.collector.add(tokenReviewNotPermittedFinding(finding));
  return true;
}
