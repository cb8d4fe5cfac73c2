// The ACL built from a token's policies and its evaluation, following vault/acl.go: NewACL (three
// rule stores, merging of the same key), AllowOperation (exact → LIST fallbacks → longest prefix /
// segment-wildcard priority → CHECK) and Capabilities (a LIST lookup).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AclEvaluation, AclIdentity, Capability, DecidingRule, Operation, PolicySource } from './types.js';
import { parsePolicy, normalisePathKey, PolicyParseError, type ParameterMap, type ParameterValue, type ParsedPolicy } from './policy-parse.js';
import { populateTemplate, type TemplateOptions } from './templating.js';
import { CAP_BITS, CAPABILITIES_ORDER, bitmapToNames, type CapabilityName } from './capabilities.js';

interface Contribution {
  policy: string;
  rule: string;
  template?: string;
  bitmap: number;
}

/** ACLPermissions of one rule key after merging. */
export interface MergedPermissions {
  bitmap: number;
  minWrappingTtlSeconds: number;
  maxWrappingTtlSeconds: number;
  allowedParameters: ParameterMap | null;
  deniedParameters: ParameterMap | null;
  requiredParameters: string[] | null;
  mfaMethods: string[] | null;
  /** GrantingPoliciesMap: capability bit → policy names, in merge order. */
  granting: Map<number, string[]>;
  contributions: Contribution[];
}

interface SegmentRule {
  pattern: string;
  wcPath: string;
  parts: string[];
  isPrefix: boolean;
  firstWildcard: number;
  wildcards: number;
  perms: MergedPermissions;
}

/** Segment-wildcard rules indexed by segment: literal children, one `+` child (avoids scanning every rule). */
interface SegmentNode {
  literal: Map<string, SegmentNode>;
  plus?: SegmentNode;
  /** Patterns without a trailing `*` that end at this depth. */
  terminal: SegmentRule[];
  /** Trailing-`*` patterns whose last part is matched with startsWith at this depth. */
  prefixEnds: { lastPart: string; rule: SegmentRule }[];
}

function newSegmentNode(): SegmentNode {
  return { literal: new Map(), terminal: [], prefixEnds: [] };
}

export interface CompiledAcl {
  readonly root: boolean;
  readonly exact: Map<string, MergedPermissions>;
  readonly prefix: Map<string, MergedPermissions>;
  /** Distinct prefix-rule lengths, longest first (longest-prefix search without a radix tree). */
  readonly prefixLengths: number[];
  readonly segments: SegmentRule[];
  readonly segmentIndex: SegmentNode;
  readonly segmentsByPattern: Map<string, MergedPermissions>;
  readonly unresolvedTemplates: { policy: string; template: string; reason: string }[];
  readonly policyNames: string[];
  /** Whose AllowOperation this follows where Vault and OpenBao differ (LIST order); see matchRule. */
  readonly flavour: AclFlavour;
  /**
   * Vault Enterprise: the policies live in the token's namespace and the request runs in a child
   * namespace; Vault matches `<relative namespace path><request path>` (`team-a/kv/data/x`).
   */
  readonly pathPrefix?: string;
}

/** The same ACL seen from a child namespace `prefix` (`team-a/`) of the token's namespace. */
export function aclInChildNamespace(acl: CompiledAcl, prefix: string): CompiledAcl {
  if (prefix === '') return acl;
  return { ...acl, pathPrefix: `${acl.pathPrefix ?? ''}${prefix}` };
}

/**
 * Vault and OpenBao differ in one ACL step: for LIST of `p/`, Vault tries the non-exact rules for
 * `p` (no trailing slash) before `p/`; OpenBao (vault/policy/acl.go, PR #3389) tries `p/` first,
 * since the longer path is the more specific rule.
 */
export type AclFlavour = 'vault' | 'openbao';

export interface CompileOptions extends TemplateOptions {
  /** Default vault. */
  flavour?: AclFlavour;
}

const PARSED_CACHE_MAX = 512;
const COMPILED_CACHE_MAX = 256;
const parsedCache = new LRUCache<string, ParsedPolicy | PolicyParseError>({ max: PARSED_CACHE_MAX });
const compiledCache = new LRUCache<string, CompiledAcl>({ max: COMPILED_CACHE_MAX });

// text → sha256, so a cache hit costs a Map lookup (V8 caches a string's own hash) instead of hashing.
const hashCache = new LRUCache<string, string>({ max: PARSED_CACHE_MAX * 2 });

function textHash(text: string): string {
  let h = hashCache.get(text);
  if (h === undefined) hashCache.set(text, (h = createHash('sha256').update(text).digest('base64url')));
  return h;
}

/** ParseACLPolicy with a cache keyed by name + text hash (parse errors are cached too). */
export function parsePolicyCached(name: string, text: string): ParsedPolicy {
  const key = `${name}\u0000${textHash(text)}`;
  let hit = parsedCache.get(key);
  if (!hit) {
    try {
      hit = parsePolicy(name, text);
    } catch (e) {
      if (!(e instanceof PolicyParseError)) throw e;
      hit = e;
    }
    parsedCache.set(key, hit);
  }
  if (hit instanceof PolicyParseError) throw hit;
  return hit;
}

function cloneParams(m: ParameterMap | null): ParameterMap | null {
  if (m === null) return null;
  const out: ParameterMap = {};
  for (const [k, v] of Object.entries(m)) out[k] = v.slice();
  return out;
}

function addGranting(map: Map<number, string[]>, policy: string, bitmap: number): void {
  for (const name of Object.keys(CAP_BITS) as CapabilityName[]) {
    const bit = CAP_BITS[name];
    if ((bitmap & bit) === 0) continue;
    const list = map.get(bit);
    if (list) list.push(policy);
    else map.set(bit, [policy]);
  }
}

function mergeParams(existing: ParameterMap | null, incoming: ParameterMap | null): ParameterMap | null {
  if (!incoming || Object.keys(incoming).length === 0) return existing;
  if (existing === null) return cloneParams(incoming);
  for (const [key, value] of Object.entries(incoming)) {
    const cur = existing[key];
    // An empty list (any value) on either side wins; otherwise Go's append(new, existing...).
    if (value.length === 0 || (cur !== undefined && cur.length === 0)) existing[key] = [];
    else existing[key] = [...value, ...(cur ?? [])];
  }
  return existing;
}

interface StanzaInput {
  policy: string;
  path: string;
  isPrefix: boolean;
  hasSegmentWildcards: boolean;
  rule: ParsedPolicy['paths'][number];
  displayRule: string;
  template?: string;
}

function insertStanza(store: Map<string, MergedPermissions>, s: StanzaInput): void {
  const r = s.rule;
  const contribution: Contribution = { policy: s.policy, rule: s.displayRule, bitmap: r.bitmap, ...(s.template ? { template: s.template } : {}) };
  const existing = store.get(s.path);
  if (!existing) {
    const perms: MergedPermissions = {
      bitmap: r.bitmap,
      minWrappingTtlSeconds: r.minWrappingTtlSeconds,
      maxWrappingTtlSeconds: r.maxWrappingTtlSeconds,
      allowedParameters: cloneParams(r.allowedParameters),
      deniedParameters: cloneParams(r.deniedParameters),
      requiredParameters: r.requiredParameters ? r.requiredParameters.slice() : null,
      mfaMethods: r.mfaMethods ? r.mfaMethods.slice() : null,
      granting: new Map(),
      contributions: [contribution],
    };
    addGranting(perms.granting, s.policy, r.bitmap);
    store.set(s.path, perms);
    return;
  }
  if (existing.bitmap & CAP_BITS.deny) return; // an existing deny ignores everything after it
  if (r.bitmap & CAP_BITS.deny) {
    existing.bitmap = CAP_BITS.deny;
    existing.allowedParameters = null;
    existing.deniedParameters = null;
    existing.contributions = [contribution];
    return;
  }
  existing.bitmap |= r.bitmap;
  addGranting(existing.granting, s.policy, r.bitmap);
  existing.contributions.push(contribution);
  if (r.maxWrappingTtlSeconds > 0 && (existing.maxWrappingTtlSeconds === 0 || r.maxWrappingTtlSeconds < existing.maxWrappingTtlSeconds)) {
    existing.maxWrappingTtlSeconds = r.maxWrappingTtlSeconds;
  }
  if (r.minWrappingTtlSeconds > 0 && (existing.minWrappingTtlSeconds === 0 || r.minWrappingTtlSeconds < existing.minWrappingTtlSeconds)) {
    existing.minWrappingTtlSeconds = r.minWrappingTtlSeconds;
  }
  existing.allowedParameters = mergeParams(existing.allowedParameters, r.allowedParameters);
  existing.deniedParameters = mergeParams(existing.deniedParameters, r.deniedParameters);
  if (r.requiredParameters && r.requiredParameters.length > 0) {
    if (!existing.requiredParameters || existing.requiredParameters.length === 0) existing.requiredParameters = r.requiredParameters.slice();
    else for (const p of r.requiredParameters) if (!existing.requiredParameters.includes(p)) existing.requiredParameters.push(p);
  }
  if (r.mfaMethods && r.mfaMethods.length > 0) {
    existing.mfaMethods = [...new Set([...(existing.mfaMethods ?? []), ...r.mfaMethods])];
  }
}

function buildAcl(policies: PolicySource[], identity: AclIdentity | undefined, options: CompileOptions): CompiledAcl {
  const exact = new Map<string, MergedPermissions>();
  const prefix = new Map<string, MergedPermissions>();
  const segmentsByPattern = new Map<string, MergedPermissions>();
  const unresolvedTemplates: CompiledAcl['unresolvedTemplates'] = [];
  let root = false;
  for (const source of policies) {
    const name = source.name.trim().toLowerCase();
    if (name === 'root') {
      if (policies.length !== 1) throw new PolicyParseError('root', 0, 'other policies present along with root');
      root = true;
      continue;
    }
    const parsed = parsePolicyCached(source.name, source.text);
    for (const rule of parsed.paths) {
      let path = rule.path;
      let isPrefix = rule.isPrefix;
      let hasSegmentWildcards = rule.hasSegmentWildcards;
      let template: string | undefined;
      if (parsed.templated) {
        const expanded = populateTemplate(rule.rawKey, identity, options);
        if (!expanded.ok) {
          // Vault skips a stanza whose template cannot be resolved (parsePaths: `continue`).
          unresolvedTemplates.push({ policy: source.name, template: expanded.directive, reason: expanded.error });
          continue;
        }
        if (expanded.templated) {
          template = rule.rawKey;
          const n = normalisePathKey(expanded.value);
          ({ path, isPrefix, hasSegmentWildcards } = n);
        }
      }
      const displayRule = isPrefix ? `${path}*` : path;
      const store = hasSegmentWildcards ? segmentsByPattern : isPrefix ? prefix : exact;
      insertStanza(store, { policy: source.name, path, isPrefix, hasSegmentWildcards, rule, displayRule, ...(template ? { template } : {}) });
    }
  }
  const segments: SegmentRule[] = [];
  for (const [pattern, perms] of segmentsByPattern) {
    if (pattern === '') continue;
    const isPrefix = pattern.endsWith('*');
    const wcPath = isPrefix ? pattern.slice(0, -1) : pattern;
    const parts = wcPath.split('/');
    segments.push({ pattern, wcPath, parts, isPrefix, firstWildcard: pattern.indexOf('+'), wildcards: parts.filter((p) => p === '+').length, perms });
  }
  const segmentIndex = newSegmentNode();
  for (const seg of segments) {
    let node = segmentIndex;
    const walk = seg.isPrefix ? seg.parts.length - 1 : seg.parts.length;
    for (let i = 0; i < walk; i++) {
      const part = seg.parts[i]!;
      if (part === '+') node = node.plus ??= newSegmentNode();
      else {
        let next = node.literal.get(part);
        if (!next) node.literal.set(part, (next = newSegmentNode()));
        node = next;
      }
    }
    if (seg.isPrefix) node.prefixEnds.push({ lastPart: seg.parts[seg.parts.length - 1]!, rule: seg });
    else node.terminal.push(seg);
  }
  const prefixLengths = [...new Set([...prefix.keys()].map((k) => k.length))].sort((a, b) => b - a);
  return { root, exact, prefix, prefixLengths, segments, segmentIndex, segmentsByPattern, unresolvedTemplates, policyNames: policies.map((p) => p.name), flavour: options.flavour ?? 'vault' };
}

/**
 * Builds the ACL for a token holding `policies` (in the token's order). Parsed policies and
 * compiled ACLs are cached (LRU); templates are resolved from `identity`. Throws PolicyParseError.
 */
export function compileAcl(policies: PolicySource[], identity?: AclIdentity, options: CompileOptions = {}): CompiledAcl {
  const parts = policies.map((p) => `${p.name}\u0000${textHash(p.text ?? '')}`);
  const templated = policies.some((p) => p.text?.includes('{{'));
  if (templated) parts.push(`identity:${JSON.stringify(identity ?? null)}`, `opts:${JSON.stringify(options)}`);
  parts.push(`flavour:${options.flavour ?? 'vault'}`);
  const key = parts.join('\u0001');
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const acl = buildAcl(policies, identity, options);
  // Templates using time.now depend on the clock; don't cache those.
  if (!policies.some((p) => p.text?.includes('time.now'))) compiledCache.set(key, acl);
  return acl;
}

interface Candidate {
  firstWildcard: number;
  wildcards: number;
  isPrefix: boolean;
  wcPath: string;
  perms: MergedPermissions;
}

/** acl.go's `less`: true when a has lower priority than b. */
function lowerPriority(a: Candidate, b: Candidate): boolean {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard < b.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix;
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards;
  if (a.wcPath.length !== b.wcPath.length) return a.wcPath.length < b.wcPath.length;
  return a.wcPath < b.wcPath;
}

function longestPrefix(acl: CompiledAcl, path: string): { key: string; perms: MergedPermissions } | undefined {
  for (const len of acl.prefixLengths) {
    if (len > path.length) continue;
    const key = path.slice(0, len);
    const perms = acl.prefix.get(key);
    if (perms) return { key, perms };
  }
  return undefined;
}

/** CheckAllowedFromNonExactPaths(path, bareMount=false). */
function fromNonExactPaths(acl: CompiledAcl, path: string): MergedPermissions | undefined {
  const lp = longestPrefix(acl, path);
  if (acl.segments.length === 0) return lp?.perms;
  let best: Candidate | undefined = lp ? { firstWildcard: lp.key.length, wildcards: 0, isPrefix: true, wcPath: lp.key, perms: lp.perms } : undefined;
  const pathParts = path.split('/');
  const consider = (seg: SegmentRule): void => {
    if (!best || lowerPriority(best, seg)) best = seg;
  };
  const visit = (node: SegmentNode, depth: number): void => {
    if (depth < pathParts.length) {
      const part = pathParts[depth]!;
      for (const pe of node.prefixEnds) if (pe.lastPart === '+' || part.startsWith(pe.lastPart)) consider(pe.rule);
      const lit = node.literal.get(part);
      if (lit) visit(lit, depth + 1);
      if (node.plus) visit(node.plus, depth + 1);
    } else if (depth === pathParts.length) {
      for (const seg of node.terminal) consider(seg);
    }
  };
  visit(acl.segmentIndex, 0);
  return best?.perms;
}

/**
 * CheckAllowedFromNonExactPaths(path, bareMount=true) != nil, as hasMountAccess uses it: with no `+`
 * rules at all, any longest-prefix rule counts; otherwise some non-deny `+` rule must apply under the mount.
 */
export function checkNonExactBareMount(acl: CompiledAcl, mountPath: string): boolean {
  if (acl.segments.length === 0) return longestPrefix(acl, mountPath) !== undefined;
  const pathParts = mountPath.split('/');
  for (const seg of acl.segments) {
    const segments: string[] = [];
    for (let i = 0; i < seg.parts.length; i++) {
      const aclPart = seg.parts[i]!;
      const part = pathParts[i];
      if (aclPart === '+') segments.push(part ?? '');
      else if (aclPart === part) segments.push(part);
      else if (seg.isPrefix && i === seg.parts.length - 1 && part !== undefined && part.startsWith(aclPart)) segments.push(...pathParts.slice(i));
      if (i === pathParts.length - 2) {
        const joined = segments.join('/') + '/';
        const b = seg.perms.bitmap;
        if (joined.startsWith(mountPath) && (b & CAP_BITS.deny) === 0 && b > 0) return true;
        break;
      }
    }
  }
  return false;
}

/** The rule AllowOperation would use for `path`, or undefined (implicit deny). */
export function matchRule(acl: CompiledAcl, rawPath: string, isList: boolean): MergedPermissions | undefined {
  let path = rawPath;
  while (path.startsWith('/')) path = path.slice(1);
  if (acl.pathPrefix) path = acl.pathPrefix + path;
  const exact = acl.exact.get(path);
  if (exact) return exact;
  if (isList) {
    const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
    const e2 = acl.exact.get(trimmed);
    if (e2) return e2;
    if (path.endsWith('/')) {
      // The one step where Vault and OpenBao differ: which non-exact lookup comes first.
      const [first, second] = acl.flavour === 'openbao' ? [path, trimmed] : [trimmed, path];
      return fromNonExactPaths(acl, first) ?? fromNonExactPaths(acl, second);
    }
  }
  return fromNonExactPaths(acl, path);
}

/** The merged permissions of the exact rule `path` (TestACL_PolicyMerge inspects these). */
export function exactRulePermissions(acl: CompiledAcl, path: string): MergedPermissions | undefined {
  return acl.exact.get(path);
}

export type AclOperationName = Operation | 'help' | 'revoke' | 'renew' | 'rollback';

export interface AclRequest {
  /** Request data (body or GET query), as Vault's req.Data. */
  data?: Record<string, unknown>;
  /** Response-wrapping TTL requested; absent = not wrapped. */
  wrapTtlSeconds?: number;
}

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

/** strutil.GlobbedStringsMatch. */
function globbedStringsMatch(item: string, val: string): boolean {
  if (item.length < 2) return val === item;
  const pre = item.startsWith('*');
  const suf = item.endsWith('*');
  if (pre && suf) return val.includes(item.slice(1, -1));
  if (pre) return val.endsWith(item.slice(1));
  if (suf) return val.startsWith(item.slice(0, -1));
  return val === item;
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

function valueInParameterList(v: unknown, list: ParameterValue[]): boolean {
  for (const el of list) {
    if (el === null || v === null || v === undefined) {
      if (el === (v ?? null)) return true;
    } else if (typeof el === 'string') {
      if (typeof v === 'string' && globbedStringsMatch(el, v)) return true;
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

/** The CHECK step of AllowOperation on a chosen rule. */
function checkRule(perms: MergedPermissions, op: AclOperationName, req: AclRequest): AclOperationResult {
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
  const wrap = req.wrapTtlSeconds;
  if (perms.maxWrappingTtlSeconds > 0 && (wrap === undefined || wrap > perms.maxWrappingTtlSeconds)) return res;
  if (perms.minWrappingTtlSeconds > 0 && (wrap === undefined || wrap < perms.minWrappingTtlSeconds)) return res;
  if (perms.minWrappingTtlSeconds !== 0 && perms.maxWrappingTtlSeconds !== 0 && perms.maxWrappingTtlSeconds < perms.minWrappingTtlSeconds) return res;
  if (op === 'read' || op === 'update' || op === 'create' || op === 'patch' || op === 'recover') {
    const data = req.data ?? {};
    for (const p of perms.requiredParameters ?? []) if (!Object.prototype.hasOwnProperty.call(data, p.toLowerCase())) return res;
    const entries = Object.entries(data);
    if (entries.length === 0) {
      res.allowed = true;
      return res;
    }
    const denied = perms.deniedParameters;
    if (denied && Object.keys(denied).length > 0) {
      if (Object.prototype.hasOwnProperty.call(denied, '*')) return res;
      for (const [k, v] of entries) {
        const list = denied[k.toLowerCase()];
        if (list && valueDenied(v, list)) return res;
      }
    }
    const allowed = perms.allowedParameters;
    if (!allowed || Object.keys(allowed).length === 0) {
      res.allowed = true;
      return res;
    }
    const allowedAll = Object.prototype.hasOwnProperty.call(allowed, '*');
    if (allowedAll && Object.keys(allowed).length === 1) {
      res.allowed = true;
      return res;
    }
    for (const [k, v] of entries) {
      const list = allowed[k.toLowerCase()];
      if (list === undefined && !allowedAll) return res;
      if (list !== undefined && !valueAllowed(v, list)) return res;
    }
  }
  res.allowed = true;
  return res;
}

/** ACL.AllowOperation for one request. */
export function allowOperation(acl: CompiledAcl, path: string, op: AclOperationName, req: AclRequest = {}): AclOperationResult {
  if (acl.root) return { allowed: true, rootPrivs: true, isRoot: true, grantingPolicies: ['root'] };
  if (op === 'help') return { allowed: true, rootPrivs: false, isRoot: false, grantingPolicies: null };
  const perms = matchRule(acl, path, op === 'list');
  if (!perms) return { allowed: false, rootPrivs: false, isRoot: false, grantingPolicies: null };
  return checkRule(perms, op, req);
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

// Deciding rules and public template lists are built once per rule / ACL, not per evaluation.
const decidingCache = new WeakMap<MergedPermissions, DecidingRule[]>();
const unresolvedCache = new WeakMap<CompiledAcl, AclEvaluation['unresolvedTemplates']>();

function decidingRules(perms: MergedPermissions | undefined): DecidingRule[] {
  if (!perms) return [];
  let cached = decidingCache.get(perms);
  if (!cached) decidingCache.set(perms, (cached = buildDecidingRules(perms)));
  return cached.map((d) => ({ ...d }));
}

function buildDecidingRules(perms: MergedPermissions): DecidingRule[] {
  return perms.contributions.map((c) => ({
    policy: c.policy,
    rule: c.rule,
    capabilities: bitmapToNames(c.bitmap) as Capability[],
    ...(c.template ? { template: c.template } : {}),
  }));
}

/** What `vault token capabilities` answers for `path`, with the rule that decided and per-operation results. */
export function evaluateAcl(acl: CompiledAcl, path: string): AclEvaluation {
  let shared = unresolvedCache.get(acl);
  if (!shared) unresolvedCache.set(acl, (shared = acl.unresolvedTemplates.map(({ policy, template }) => ({ policy, template }))));
  const unresolvedTemplates = shared.slice();
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
    operations[op] = rule ? checkRule(rule, op, {}).allowed : false;
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
