// Checks of one secret reference (`spec.data[i]`, `spec.dataFrom[i]`) of an ExternalSecret, in the
// order issue "no oracle" requires: store resolution, login (auth mount, role, binding), policy
// coverage of the exact requests ESO makes; only then mount, existence, versions and properties
// (secret-state-check.ts).
import { secretNamespace } from '../eso/vault-namespaces.js';
import type { EsoProblem, ReferencePlan, StoreModel } from '../eso/model.js';
import type { Finding } from './finding.js';
import type { ReferenceCheckEnv } from './reference-env.js';
import { storeTrustForReference } from './rules/tls-trust.js';
import { detectClassicMistakes } from '../eso/index.js';
import { evaluateAcl, isOperationAllowed, suggestStanza } from '../vault/acl/index.js';
import type { FactOptions } from '../vault/facts.js';
import { aclPathOf } from '../vault/kv-paths.js';
import { shownToAuthor } from './finding-codes.js';
import { kvRequestProblem, uncheckedKvPathFinding } from './rules/vault-names.js';
import { policyCoverage } from './rules/policy-coverage.js';
import { notVerifiableIdentityFinding } from './rules/store-config.js';
import { blocksReference, storeResolutionFindings } from './rules/store-resolution.js';
import { sharedStoreAccess, storeLabel, type GrantedAccess } from './store-access.js';
import { checkSecretState } from './secret-state-check.js';
import { relevantUnresolvedTemplates } from './template-relevance.js';

export type { ReferenceCheckEnv } from './reference-env.js';
export { aclPathOf } from '../vault/kv-paths.js';

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const ignore = (): undefined => undefined;

export async function checkReference(plan: ReferencePlan, env: ReferenceCheckEnv): Promise<void> {
  const { collector } = env;
  if (plan.kind === 'generator' || plan.kind === 'empty') return;
  // Non-Vault stores pass untouched: only the operator-only notice (StoreOutOfScope) is kept, for logs.
  if (plan.outOfScope !== undefined) {
    collector.add(...storeResolutionFindings(plan.problems.filter((p) => !shownToAuthor(p.code))));
    return;
  }
  if (plan.problems.length > 0) collector.add(...storeResolutionFindings(plan.problems));
  // A problem in the reference's own fields (a malformed remoteRef), not in its store reference, does
  // not stop the login checks of its store (issue 15 item 11).
  if (plan.problems.length > 0) {
    const ownField = (p: EsoProblem): boolean => p.field.startsWith(`${plan.field}.`) && !p.field.startsWith(`${plan.field}.sourceRef`);
    if (blocksReference(plan.problems.filter((p) => !ownField(p)))) return;
  }
  const store = plan.store;
  if (!store || store.provider.type !== 'vault' || !plan.identity) return;
  const vault = store.provider.vault;
  const reportField = plan.storeRef?.field ?? 'spec.secretStoreRef';
  const namespace = secretNamespace(vault);
  const opts: FactOptions = namespace ? { ...env.opts, namespace } : env.opts;
  const identity = plan.identity;
  // ESO builds the client (CA set included) before any login: a store whose TLS trust is broken fails
  // every ExternalSecret with that error, so it is the whole answer for this reference.
  const trust = (await env.storeTrust?.(store)) ?? NO_FINDINGS;
  const trustErrors = trust.length === 0 ? NO_FINDINGS : trust.filter((f) => f.severity === 'error');
  if (trustErrors.length > 0) {
    collector.add(...trustErrors.map((f) => storeTrustForReference(f, storeLabel(store), reportField)));
    return;
  }
  const aclPaths = plan.requests.map(aclPathOf);
  // Which mount serves the path does not depend on the store's access, and says nothing about the
  // secret: ask now, alongside the login checks, so the cold path is one round trip shorter. Made in
  // every case, so its timing tells nothing either. (Secret data is read only once coverage allows it.)
  const first = plan.requests[0];
  // A path ESO would reach through `.`/`..`, or with a name the request builder refuses, is never
  // sent to Vault by the webhook: only policy coverage (pure) is judged for it.
  let pathProblem: ReturnType<typeof kvRequestProblem>;
  for (let i = 0; i < plan.requests.length && !pathProblem; i++) pathProblem = kvRequestProblem(plan.requests[i]!, aclPaths[i]!);
  const mountFact = first && first.purpose !== 'tags-metadata' && !pathProblem ? env.facts.mountForPath(vault.server, aclPaths[0]!, opts) : undefined;
  void mountFact?.catch(ignore);
  const access = await sharedStoreAccess(env.accessCache, env, store, identity, reportField);
  if (access.status === 'unavailable' || access.status === 'blocked') return;
  if (access.status === 'unknown-identity') {
    collector.add(
      notVerifiableIdentityFinding({
        store: storeLabel(store),
        identity: access.reason ? { ...identity, notVerifiableReason: access.reason } : identity,
        field: reportField,
        consequence: env.disclosure.secretStateForUnknownIdentity
          ? 'policy coverage cannot be checked'
          : 'policy coverage cannot be checked, and existence and properties are not reported either (they could reveal what the store may not read)',
      }),
    );
    if (!env.disclosure.secretStateForUnknownIdentity) return;
    if (pathProblem) {
      collector.add(uncheckedKvPathFinding(first?.field ?? reportField, pathProblem, false));
      return;
    }
    await checkSecretState(plan, vault, env, opts, mountFact, undefined, aclPaths[0]);
    return;
  }
  const covered = checkCoverage(plan, aclPaths, access, store);
  collector.add(...covered.findings);
  if (!covered.allowed && !env.disclosure.secretStateBeyondPolicy) return;
  if (pathProblem) {
    // Said only once coverage allows the request: outside it, PolicyDenied is the whole answer.
    collector.add(uncheckedKvPathFinding(first?.field ?? reportField, pathProblem, true));
    return;
  }
  await checkSecretState(plan, vault, env, opts, mountFact, access, aclPaths[0]);
}

/** Policy coverage of every request ESO will make for this reference (pure: the ACL is compiled). */
function checkCoverage(plan: ReferencePlan, aclPaths: string[], access: GrantedAccess, store: StoreModel): { allowed: boolean; findings: Finding[] } {
  const findings: Finding[] = [];
  let allowed = true;
  for (let i = 0; i < plan.requests.length; i++) {
    const request = plan.requests[i]!;
    const aclPath = aclPaths[i]!;
    const raw = evaluateAcl(access.acl, aclPath);
    // A covered request has no finding (policyCoverage's first answer): nothing to word.
    if (isOperationAllowed(raw, request.capability)) continue;
    const evaluation = { ...raw, unresolvedTemplates: relevantUnresolvedTemplates(raw, access.sources, aclPath) };
    const verdict = policyCoverage({
      request,
      aclPath,
      evaluation,
      allowed: false,
      // Under Vault Enterprise the policy lives in the login namespace: its rule carries the child path.
      stanza: coverageStanza(plan, request.purpose, aclPath, request.capability, access.acl.pathPrefix ?? ''),
      store: storeLabel(store),
      roleName: access.roleName,
      authMountPath: access.authMountPath,
      policyNames: access.policyNames,
      hints: manifestHints(plan, store),
      ...(singleOwnPolicy(access) ? { targetPolicy: singleOwnPolicy(access) } : {}),
    });
    findings.push(...verdict.findings);
    if (verdict.verdict !== 'allowed') allowed = false;
  }
  return { allowed, findings };
}

/**
 * The stanza a denial's hint suggests. For find's first LIST, the exact folder would only move the
 * denial one step on: ESO then lists every sub-folder and reads the candidates, so the hint names
 * the folder's glob and the per-candidate reads in one go.
 */
function coverageStanza(plan: ReferencePlan, purpose: string, aclPath: string, capability: 'read' | 'list', prefix: string): string {
  if (plan.kind !== 'find' || purpose !== 'list') return suggestStanza(`${prefix}${aclPath}`, capability);
  const listGlob = `${prefix}${aclPath}*`;
  const reads = (plan.perCandidate ?? []).map((c) => `${prefix}${aclPathOf({ httpPath: c.pathPattern, capability: 'read' })}`);
  // Tags read the candidates' metadata under the listed glob itself: one stanza with both.
  const listAlsoReads = reads.includes(listGlob);
  return [
    listAlsoReads ? suggestStanza(listGlob, 'read', ['list']) : suggestStanza(listGlob, 'list'),
    ...[...new Set(reads)].filter((r) => r !== listGlob).map((r) => suggestStanza(r, 'read')),
  ].join('\n');
}

/** Manifest-only hints (classic mistakes) for a denial; they depend on nothing in Vault. */
function manifestHints(plan: ReferencePlan, store: StoreModel): string[] {
  const first = plan.requests[0];
  if (store.provider.type !== 'vault' || !plan.remoteRef || !first) return [];
  return detectClassicMistakes(store.provider.vault, plan.remoteRef, first.field).filter((m) => m.kind !== 'data-prefix-property').map((m) => m.hint);
}

/** The policy to suggest a stanza for: the role's single own policy, when not shared by template. */
function singleOwnPolicy(access: GrantedAccess): string | undefined {
  const own = access.sources.filter((s) => s.name !== 'default' && s.name !== 'root');
  return own.length === 1 && !own[0]?.text.includes('{{') ? own[0]?.name : undefined;
}
