// Which rule of a compiled ACL applies to a path, following vault/acl.go AllowOperation's lookup:
// exact rule → LIST fallbacks → longest prefix / segment-wildcard priority (acl.go `less`).
import type { CompiledAcl, MergedPermissions, SegmentNode, SegmentRule } from './compile.js';
import { CAP_BITS } from './capabilities.js';

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

