// Login-side facts of one store for one identity: auth mount, role, binding, and the compiled ACL
// of the role's policies. Shared by the ExternalSecret and the store checks, computed once per
// store and identity within one admission.
import type { IdentityPlan, StoreModel, VaultProviderModel } from '../eso/model.js';
import { serviceAccountTokenClaims } from '../eso/identity.js';
import type { StoreLookup } from '../eso/index.js';
import { loginNamespace, policyPathPrefix } from '../eso/vault-namespaces.js';
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

export interface StoreAccessArgs {
  store: StoreModel;
  vault: VaultProviderModel;
  identity: IdentityPlan;
  /** Report every finding on this field (ExternalSecret checks); undefined for store checks. */
  reportField?: string;
  facts: VaultFacts;
  lookup: StoreLookup;
  opts: FactOptions;
  defaultAudiences: string[];
  disclosure: Disclosure;
  collector: Collector;
  /** Who answers whether a ServiceAccount may create tokenreviews (client-JWT mode); absent: no cluster to ask. */
  tokenReviews?: TokenReviewAccess;
}

export function storeLabel(store: StoreModel): StoreLabel {
  return { kind: store.kind, name: store.name, ...(store.namespace ? { namespace: store.namespace } : {}) };
}

/** Field of the auth mount path and of the role, per method. */
export function authFields(auth: VaultProviderModel['auth']): { mountField: string; roleField: string } {
  const mountKey = auth.method === 'kubernetes' ? 'mountPath' : 'path';
  const roleKey = auth.method === 'cert' || auth.method === 'iam' ? 'vaultRole' : 'role';
  return { mountField: `${auth.field}.${mountKey}`, roleField: `${auth.field}.${roleKey}` };
}

export async function resolveStoreAccess(args: StoreAccessArgs): Promise<StoreAccess> {
  const { vault, identity, facts, collector } = args;
  // ESO logs in under auth.namespace when it is set (auth.go useAuthNamespace): the auth mount, the
  // role and the policies are looked up there; secrets are read under the store's namespace.
  const loginNs = loginNamespace(vault);
  const opts: FactOptions = { deadlineAtMs: args.opts.deadlineAtMs, ...(loginNs ? { namespace: loginNs } : {}) };
  const label = storeLabel(args.store);
  const { mountField, roleField } = authFields(vault.auth);
  const failField = args.reportField ?? 'spec.provider.vault.server';
  if (!facts.isConfigured(vault.server)) {
    collector.unavailable(failField, { status: 'not_configured', source: `store server ${vault.server}`, server: vault.server });
    return { status: 'unavailable' };
  }
  // Names that go into Vault paths are checked before any request: a name Vault cannot hold gets the
  // same answer whether or not anything exists behind it, and no request is made with it.
  const namespaceProblem = opts.namespace !== undefined ? vaultNameProblem('namespace', opts.namespace) : undefined;
  if (namespaceProblem) {
    collector.add(uncheckedNameFinding({ field: args.reportField ?? 'spec.provider.vault.namespace', problem: namespaceProblem, consequence: 'the store is not checked against Vault' }));
    return { status: 'blocked' };
  }
  const authMountPath = identity.authMountPath === undefined ? undefined : esoMountPath(identity.authMountPath);
  const mountProblem = authMountPath !== undefined ? vaultNameProblem('authMount', authMountPath) : undefined;
  if (mountProblem) {
    collector.add(uncheckedNameFinding({ field: args.reportField ?? mountField, problem: mountProblem, consequence: 'the login is not checked against Vault' }));
    return { status: 'blocked' };
  }
  // Roles are read at auth/<mount>/role/<name> for kubernetes and jwt only; other methods' roles
  // live elsewhere or are named by a credential (approle's role_id). An empty jwt role means the
  // mount's default_role (Vault's jwt login), so it is not a name to check.
  const roleReadable = identity.role !== undefined && identity.role !== '' && authMountPath !== undefined && (identity.method === 'kubernetes' || identity.method === 'jwt');
  const roleProblem = roleReadable ? vaultNameProblem('role', identity.role as string) : undefined;
  if (roleProblem) {
    collector.add(invalidRoleFinding({ store: label, roleField, ...(args.reportField ? { reportField: args.reportField } : {}), problem: roleProblem }));
    return { status: 'blocked' };
  }
  // The role read does not depend on the auth mount list: both go out together (one round trip, not two).
  const roleFactPromise = roleReadable ? facts.authRole(vault.server, authMountPath, identity.role as string, opts) : undefined;
  void roleFactPromise?.catch(() => undefined);
  // Kubernetes auth: the mount's config says whether Vault reviews tokens with ESO's own token.
  const configPromise = roleReadable && identity.method === 'kubernetes' ? facts.authConfig(vault.server, authMountPath, opts) : undefined;
  void configPromise?.catch(() => undefined);
  // The auth mount's existence and type are knowable for every method that has one.
  let accessor: string | undefined;
  if (authMountPath !== undefined && authMountPath !== '') {
    const mounts = await facts.authMounts(vault.server, opts);
    if (collector.failed(args.reportField ?? mountField, mounts)) return { status: 'unavailable' };
    if (mounts.status === 'ok') {
      const verdict = authMountFindings({
        store: label,
        mountField,
        ...(args.reportField ? { reportField: args.reportField } : {}),
        method: identity.method,
        authMountPath,
        authMounts: mounts.value,
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
  if (collector.failed(args.reportField ?? roleField, roleFact)) return { status: 'unavailable' };
  if (roleFact.status === 'not_found') {
    collector.add(
      roleNotFoundFinding({
        store: label,
        roleField,
        ...(args.reportField ? { reportField: args.reportField } : {}),
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
  const prefix = policyPathPrefix(vault);
  if (prefix === null) {
    return {
      status: 'unknown-identity',
      reason: `it logs in under Vault namespace "${loginNs ?? ''}" (auth.namespace) and reads under "${vault.namespace ?? ''}", which is not that namespace or one below it`,
    };
  }

  // Client-JWT mode: the API server's answer is asked now, beside the policy reads (one round trip less).
  const sa = identity.serviceAccount;
  const review = configPromise ? tokenReviewAnswer(args, configPromise, sa) : undefined;
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
    if (collector.failed(args.reportField ?? roleField, fact)) return { status: 'unavailable' };
    if (fact.status === 'ok') sources.push({ name, text: fact.value });
    else if (name === 'default') sources.push({ name, text: BUILTIN_DEFAULT_POLICY });
    // A policy name with no policy behind it grants nothing (Vault ignores it at login).
  }
  const aclIdentity: AclIdentity =
    identity.method === 'jwt'
      ? jwtLoginIdentity({ mountAccessor: accessor ?? '', role, claims: { ...serviceAccountTokenClaims(identity, args.defaultAudiences) }, roleName })
      : kubernetesLoginIdentity({ mountAccessor: accessor ?? '', role, serviceAccount: { name: sa.name, namespace: sa.namespace } });
  let acl: CompiledAcl;
  try {
    acl = compileAcl(sources, aclIdentity, { flavour: facts.flavour?.(vault.server) ?? 'vault' });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    collector.unavailable(args.reportField ?? roleField, { status: 'unavailable', source: `policies of role ${roleName}`, detail });
    return { status: 'unavailable' };
  }
  const roleVisible = isOperationAllowed(evaluateAcl(acl, `auth/${authMountPath}/role/${roleName.toLowerCase()}`), 'read');
  const binding: Finding[] = roleBindingFindings({
    store: label,
    authField: vault.auth.field,
    ...(args.reportField ? { reportField: args.reportField } : {}),
    identity,
    authMountPath,
    roleName,
    role,
    ...(sa.namespace ? { serviceAccountNamespaceLabels: args.lookup.namespaceLabels(sa.namespace) } : {}),
    defaultAudiences: args.defaultAudiences,
    revealRoleDefinition: args.disclosure.roleDefinition || roleVisible,
  });
  collector.add(...binding);
  if (binding.some((f) => f.severity === 'error')) return { status: 'blocked' };
  // Vault reviews the token only once the role accepts it (path_login.go), so this comes after the binding.
  if (review && tokenReviewBlocks(args, await review, authMountPath, sa)) return { status: 'blocked' };
  return { status: 'ok', acl: aclInChildNamespace(acl, prefix), loginAcl: acl, policyNames: names, sources, roleName, authMountPath, role };
}

/** Client-JWT mode only: the API server's answer for the ServiceAccount, or 'no-cluster'; undefined in any other mode. */
async function tokenReviewAnswer(
  args: StoreAccessArgs,
  configPromise: ReturnType<VaultFacts['authConfig']>,
  sa: { name: string; namespace: string },
): Promise<TokenReviewPermission | 'no-cluster' | undefined> {
  const config = await configPromise;
  // The config is optional evidence: an unreadable one never stops the check.
  if (config.status !== 'ok' || !isClientJwtMode(config.value)) return undefined;
  if (!args.tokenReviews) return 'no-cluster';
  return args.tokenReviews.canCreateTokenReviews({ name: sa.name, namespace: sa.namespace }, args.opts.deadlineAtMs);
}

/**
 * Reports the answer; true when the API server says no (ESO's login fails). Without a cluster it is
 * said once, on the store only; a review that failed is could-not-check.
 */
function tokenReviewBlocks(
  args: StoreAccessArgs,
  answer: TokenReviewPermission | 'no-cluster' | undefined,
  authMountPath: string,
  sa: { name: string; namespace: string; source: string },
): boolean {
  if (answer === undefined || (typeof answer === 'object' && answer.status === 'allowed')) return false;
  const auth = args.vault.auth.field;
  const field = args.reportField ?? (sa.source === 'serviceAccountRef' ? `${auth}.serviceAccountRef` : auth);
  const finding = { store: storeLabel(args.store), field, authMountPath, serviceAccount: { name: sa.name, namespace: sa.namespace } };
  if (answer === 'no-cluster') {
    if (args.reportField === undefined) args.collector.add(tokenReviewNotVerifiableFinding(finding));
    return false;
  }
  if (answer.status === 'unavailable') {
    args.collector.notChecked(`whether ServiceAccount ${sa.namespace}/${sa.name} may create tokenreviews (Vault's Kubernetes auth at "${authMountPath}" reviews ESO's token with that token) could not be asked of the Kubernetes API (${answer.detail})`);
    return false;
  }
  args.collector.add(tokenReviewNotPermittedFinding(finding));
  return true;
}
