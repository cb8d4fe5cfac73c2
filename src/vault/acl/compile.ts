// Building the ACL of a token from its policies, following vault/acl.go NewACL: three rule stores
// (exact, prefix, segment wildcard), merging of rules with the same key, and templates resolved
// from the login identity. Parsed policies and compiled ACLs are cached (LRU).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AclIdentity, PolicySource } from './types.js';
import { parsePolicy, normalisePathKey, PolicyParseError, type ParameterMap, type ParsedPolicy } from './policy-parse.js';
import { populateTemplate, type TemplateOptions } from './templating.js';
import { CAP_BITS, type CapabilityName } from './capabilities.js';

export interface Contribution {
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

export interface SegmentRule {
  pattern: string;
  wcPath: string;
  parts: string[];
  isPrefix: boolean;
  firstWildcard: number;
  wildcards: number;
  perms: MergedPermissions;
}

/** Segment-wildcard rules indexed by segment: literal children, one `+` child (avoids scanning every rule). */
export interface SegmentNode {
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

