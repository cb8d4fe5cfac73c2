// The Vault double's ACL check for the tokens it issues, on the product's ACL engine
// (src/vault/acl: Vault-exact parsing, priority and LIST handling), so the double enforces
// policies exactly as Vault would. The engine judges the plain requests the product makes; the
// constraints only a request with parameters or a wrapping TTL meets (acl.go AllowOperation's
// CHECK: wrapping-TTL bounds, required/denied/allowed parameters) are added here, for the double's
// write endpoints and the Vault ACL vectors.
import {
  BUILTIN_DEFAULT_POLICY,
  DATA_OPERATIONS,
  capabilitiesOf,
  checkNonExactBareMount,
  compileAcl,
  grantsCapability,
  matchRule,
  type AclOperationName,
  type AclOperationResult,
  type CompiledAcl,
  type MergedPermissions,
  type ParameterValue,
} from '../../src/vault/acl/index.js';
import { vaultEdgeGlobMatch } from '../../src/checks/glob.js';

/** Deny bit of the engine's capability bitmap (Vault's DenyCapabilityInt). */
const DENY_BIT = 1;

/** The ACL of a token holding `names`; unknown policy names contribute nothing (as in Vault). */
export function tokenAcl(names: string[], policies: Record<string, string>, flavour: 'vault' | 'openbao' = 'vault'): CompiledAcl {
  const sources = names.flatMap((name) => {
    if (name === 'root') return [{ name, text: '' }];
    const text = policies[name] ?? (name === 'default' ? BUILTIN_DEFAULT_POLICY : undefined);
    return text === undefined ? [] : [{ name, text }];
  });
  return compileAcl(sources, undefined, { flavour });
}

/** ACL.AllowOperation; for LIST the path already carries the trailing `/` Vault's HTTP layer adds. */
export function isAllowed(acl: CompiledAcl, path: string, operation: 'read' | 'list' | 'update' | 'delete', data: Record<string, unknown> = {}): boolean {
  return allowRequest(acl, path, operation, { data }).allowed;
}

/** Vault's hasMountAccess (sys/internal/ui/mounts): any non-deny capability at or below the mount. */
export function hasMountAccess(acl: CompiledAcl, mountPath: string): boolean {
  if (acl.root) return true;
  if (!capabilitiesOf(acl, mountPath).includes('deny')) return true;
  const grants = (bitmap: number) => (bitmap & DENY_BIT) === 0 && bitmap > 0;
  for (const table of [acl.exact, acl.prefix]) {
    for (const [key, perms] of table) if (key.startsWith(mountPath) && grants(perms.bitmap)) return true;
  }
  return checkNonExactBareMount(acl, mountPath);
}

export interface AclRequest {
  /** Request data (body or GET query), as Vault's req.Data. */
  data?: Record<string, unknown>;
  /** Response-wrapping TTL requested; absent = not wrapped. */
  wrapTtlSeconds?: number;
}

/** ACL.AllowOperation for one request, with its data and wrapping TTL. */
export function allowRequest(acl: CompiledAcl, path: string, op: AclOperationName, req: AclRequest = {}): AclOperationResult {
  if (acl.root) return { allowed: true, rootPrivs: true, isRoot: true, grantingPolicies: ['root'] };
  if (op === 'help') return { allowed: true, rootPrivs: false, isRoot: false, grantingPolicies: null };
  const perms = matchRule(acl, path, op === 'list');
  if (!perms) return { allowed: false, rootPrivs: false, isRoot: false, grantingPolicies: null };
  const res = grantsCapability(perms, op);
  if (!res.allowed || op === 'sudo') return res;
  res.allowed = meetsConstraints(perms, op, req);
  return res;
}

function meetsConstraints(perms: MergedPermissions, op: AclOperationName, req: AclRequest): boolean {
  const wrap = req.wrapTtlSeconds;
  if (perms.maxWrappingTtlSeconds > 0 && (wrap === undefined || wrap > perms.maxWrappingTtlSeconds)) return false;
  if (perms.minWrappingTtlSeconds > 0 && (wrap === undefined || wrap < perms.minWrappingTtlSeconds)) return false;
  if (perms.minWrappingTtlSeconds !== 0 && perms.maxWrappingTtlSeconds !== 0 && perms.maxWrappingTtlSeconds < perms.minWrappingTtlSeconds) return false;
  if (!DATA_OPERATIONS.has(op)) return true;
  const data = req.data ?? {};
  for (const p of perms.requiredParameters ?? []) if (!Object.prototype.hasOwnProperty.call(data, p.toLowerCase())) return false;
  const entries = Object.entries(data);
  if (entries.length === 0) return true;
  const denied = perms.deniedParameters;
  if (denied && Object.keys(denied).length > 0) {
    if (Object.prototype.hasOwnProperty.call(denied, '*')) return false;
    for (const [k, v] of entries) {
      const list = denied[k.toLowerCase()];
      if (list && valueDenied(v, list)) return false;
    }
  }
  const allowed = perms.allowedParameters;
  if (!allowed || Object.keys(allowed).length === 0) return true;
  const allowedAll = Object.prototype.hasOwnProperty.call(allowed, '*');
  if (allowedAll && Object.keys(allowed).length === 1) return true;
  for (const [k, v] of entries) {
    const list = allowed[k.toLowerCase()];
    if (list === undefined && !allowedAll) return false;
    if (list !== undefined && !valueAllowed(v, list)) return false;
  }
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  return ak.length === Object.keys(bo).length && ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]));
}

/** acl.go valueInParameterList: strings by strutil.GlobbedStringsMatch, other values by reflect.DeepEqual. */
function valueInParameterList(v: unknown, list: ParameterValue[]): boolean {
  for (const el of list) {
    if (el === null || v === null || v === undefined) {
      if (el === (v ?? null)) return true;
    } else if (typeof el === 'string') {
      if (typeof v === 'string' && vaultEdgeGlobMatch(el, v)) return true;
    } else if (deepEqual(el, v)) return true;
  }
  return false;
}

/** parseutil.ParseCommaStringSlice for a string: split on commas, trim. */
function commaPieces(s: string): string[] {
  if (s === '') return [];
  return s.split(',').map((x) => x.trim());
}

function valueAllowed(v: unknown, list: ParameterValue[]): boolean {
  if (list.length === 0 || valueInParameterList(v, list)) return true;
  if (Array.isArray(v)) return v.every((x) => valueInParameterList(x, list));
  if (typeof v === 'string') return commaPieces(v).every((x) => valueInParameterList(x, list));
  return false;
}

function valueDenied(v: unknown, list: ParameterValue[]): boolean {
  if (list.length === 0 || valueInParameterList(v, list)) return true;
  if (Array.isArray(v)) return v.some((x) => valueInParameterList(x, list));
  if (typeof v === 'string') return commaPieces(v).some((x) => valueInParameterList(x, list));
  return false;
}
