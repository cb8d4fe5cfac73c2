// What a token's ACL answers for a path: Vault's CHECK step (acl.go AllowOperation) for the plain
// requests ESO makes (no parameters, not response-wrapped), `sys/capabilities`, and the mount
// preflight's hasMountAccess. Requests with parameters or a wrapping TTL are only made to the Vault
// double (test/support/vault-double-acl.ts), which adds those constraints on top of this.
import type { AclEvaluation, Capability, DecidingRule, Operation } from './types.js';
import type { CompiledAcl, MergedPermissions } from './compile.js';
import { checkNonExactBareMount, matchRule } from './match.js';
import { CAP_BITS, CAPABILITIES_ORDER, bitmapToNames } from './capabilities.js';

export type AclOperationName = Operation | 'help' | 'revoke' | 'renew' | 'rollback';

export interface AclOperationResult {
  allowed: boolean;
  rootPrivs: boolean;
  isRoot: boolean;
  /** ACLResults.GrantingPolicies: null when the capability is missing. */
  grantingPolicies: string[] | null;
  /** The rule that matched (undefined: no rule, implicit deny). */
  rule?: MergedPermissions;
}

const OP_BIT: Partial<Record<AclOperationName, number>> = {
  read: CAP_BITS.read,
  list: CAP_BITS.list,
  update: CAP_BITS.update,
  delete: CAP_BITS.delete,
  create: CAP_BITS.create,
  patch: CAP_BITS.patch,
  recover: CAP_BITS.recover,
  revoke: CAP_BITS.update,
  renew: CAP_BITS.update,
  rollback: CAP_BITS.update,
};

/** Operations whose request data Vault checks against required/allowed/denied parameters. */
export const DATA_OPERATIONS: ReadonlySet<AclOperationName> = new Set(['read', 'update', 'create', 'patch', 'recover']);

/**
 * The capability step of CHECK on the chosen rule: `allowed` when the rule grants the operation's
 * capability (sudo: the rule grants sudo). Request constraints are judged after this, by the caller.
 */
export function grantsCapability(perms: MergedPermissions, op: AclOperationName): AclOperationResult {
  const bitmap = perms.bitmap;
  const res: AclOperationResult = { allowed: false, rootPrivs: (bitmap & CAP_BITS.sudo) !== 0, isRoot: false, grantingPolicies: null, rule: perms };
  if (op === 'sudo') {
    res.allowed = res.rootPrivs;
    if (res.allowed) res.grantingPolicies = perms.granting.get(CAP_BITS.sudo) ?? [];
    return res;
  }
  const bit = OP_BIT[op];
  if (bit === undefined || (bitmap & bit) === 0) return res;
  res.grantingPolicies = perms.granting.get(bit) ?? [];
  res.allowed = true;
  return res;
}

/**
 * CHECK for a plain request: the capability, then the constraints such a request fails — any
 * wrapping-TTL bound (it is not wrapped) and required parameters (it has none).
 */
function checkPlainRequest(perms: MergedPermissions, op: AclOperationName): AclOperationResult {
  const res = grantsCapability(perms, op);
  if (!res.allowed || op === 'sudo') return res;
  const constrained = perms.maxWrappingTtlSeconds > 0 || perms.minWrappingTtlSeconds > 0 || (DATA_OPERATIONS.has(op) && (perms.requiredParameters?.length ?? 0) > 0);
  if (constrained) res.allowed = false;
  return res;
}

/** ACL.AllowOperation for a plain request (no parameters, not wrapped). */
export function allowOperation(acl: CompiledAcl, path: string, op: AclOperationName): AclOperationResult {
  if (acl.root) return { allowed: true, rootPrivs: true, isRoot: true, grantingPolicies: ['root'] };
  if (op === 'help') return { allowed: true, rootPrivs: false, isRoot: false, grantingPolicies: null };
  const perms = matchRule(acl, path, op === 'list');
  if (!perms) return { allowed: false, rootPrivs: false, isRoot: false, grantingPolicies: null };
  return checkPlainRequest(perms, op);
}

/** ACL.Capabilities (acl.go order); `sys/capabilities` sorts this list. */
export function capabilitiesOf(acl: CompiledAcl, path: string): string[] {
  if (acl.root) return ['root'];
  const perms = matchRule(acl, path, true);
  const bitmap = perms?.bitmap ?? 0;
  const names = bitmapToNames(bitmap, CAPABILITIES_ORDER);
  if (bitmap & CAP_BITS.deny || names.length === 0) return ['deny'];
  return names;
}

const ALL_OPERATIONS: Operation[] = ['read', 'list', 'create', 'update', 'delete', 'patch', 'sudo', 'recover'];

// Evaluations are pure functions of (ACL, path) and shared (frozen at the top): an admission re-checking a
// path its store's ACL was already asked about costs one Map lookup. Bounded per ACL; compiled ACLs
// are themselves LRU-cached (compile.ts), so an evicted ACL takes its evaluations with it.
const EVALUATIONS_PER_ACL = 1_024;
const evaluations = new WeakMap<CompiledAcl, Map<string, AclEvaluation>>();

/**
 * What `vault token capabilities` answers for `path`, with the rule that decided and per-operation
 * results. The answer is shared and frozen: copy it to change it.
 */
export function evaluateAcl(acl: CompiledAcl, path: string): AclEvaluation {
  let byPath = evaluations.get(acl);
  if (!byPath) evaluations.set(acl, (byPath = new Map()));
  let evaluation = byPath.get(path);
  if (evaluation) return evaluation;
  evaluation = Object.freeze(computeEvaluation(acl, path));
  if (byPath.size >= EVALUATIONS_PER_ACL) byPath.clear();
  byPath.set(path, evaluation);
  return evaluation;
}

function decidingRules(perms: MergedPermissions | undefined): DecidingRule[] {
  if (!perms) return [];
  return perms.contributions.map((c) => ({
    policy: c.policy,
    rule: c.rule,
    capabilities: bitmapToNames(c.bitmap) as Capability[],
    ...(c.template ? { template: c.template } : {}),
  }));
}

function computeEvaluation(acl: CompiledAcl, path: string): AclEvaluation {
  const unresolvedTemplates = acl.unresolvedTemplates.map(({ policy, template }) => ({ policy, template }));
  if (acl.root) {
    const operations = Object.fromEntries(ALL_OPERATIONS.map((o) => [o, true])) as Record<Operation, boolean>;
    return { path, capabilities: ['root'], decidedBy: [{ policy: 'root', rule: '*', capabilities: [] }], unresolvedTemplates, operations, rootPrivs: true, isRoot: true, rules: acl.flavour };
  }
  const listRule = matchRule(acl, path, true);
  // Without a trailing `/` the LIST lookup and the plain lookup take the same steps.
  const otherRule = path.endsWith('/') ? matchRule(acl, path, false) : listRule;
  // A LIST request reaches the ACL with a trailing `/` (Vault's HTTP layer appends it).
  const listRequestRule = path.endsWith('/') ? listRule : matchRule(acl, `${path}/`, true);
  const operations = {} as Record<Operation, boolean>;
  for (const op of ALL_OPERATIONS) {
    const rule = op === 'list' ? listRequestRule : otherRule;
    operations[op] = rule ? checkPlainRequest(rule, op).allowed : false;
  }
  const bitmap = listRule?.bitmap ?? 0;
  const names = bitmap & CAP_BITS.deny ? [] : bitmapToNames(bitmap, CAPABILITIES_ORDER);
  const capabilities = names.length === 0 ? ['deny'] : [...names].sort();
  return {
    path,
    capabilities,
    decidedBy: decidingRules(listRule),
    unresolvedTemplates,
    operations,
    rootPrivs: otherRule ? (otherRule.bitmap & CAP_BITS.sudo) !== 0 : false,
    isRoot: false,
    rules: acl.flavour,
  };
}

/** Whether `operation` is allowed, from an evaluation (exact AllowOperation result when available). */
export function isOperationAllowed(evaluation: AclEvaluation, operation: Operation): boolean {
  if (evaluation.operations) return evaluation.operations[operation];
  if (evaluation.capabilities.includes('root')) return true;
  if (evaluation.capabilities.includes('deny')) return false;
  return evaluation.capabilities.includes(operation);
}

const MOUNT_ACCESS_BITS = CAP_BITS.create | CAP_BITS.read | CAP_BITS.update | CAP_BITS.delete | CAP_BITS.list | CAP_BITS.sudo | CAP_BITS.patch;

/**
 * Vault's hasMountAccess (sys/internal/ui/mounts/<mount>, the CLI's preflight): allowed when the
 * mount path itself is not denied, or an exact/prefix rule at or under it grants something without
 * deny, or a `+` rule could apply under it. `mountPath` ends with `/` (`secret/`).
 */
export function hasMountAccess(acl: CompiledAcl, mountPath: string): boolean {
  if (!capabilitiesOf(acl, mountPath).includes('deny')) return true;
  const full = `${acl.pathPrefix ?? ''}${mountPath}`;
  for (const store of [acl.exact, acl.prefix]) {
    for (const [key, perms] of store) {
      if (key.startsWith(full) && (perms.bitmap & CAP_BITS.deny) === 0 && (perms.bitmap & MOUNT_ACCESS_BITS) !== 0) return true;
    }
  }
  return checkNonExactBareMount(acl, full);
}
