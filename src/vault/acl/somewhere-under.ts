// Whether an ACL could allow an operation on SOME path under a prefix: for writes whose exact paths
// are not known (a PushSecret's dataTo pushes the source Secret's keys, which the webhook does not
// read). It over-approximates: false means no path under the prefix can be allowed, so every
// such request is denied; true decides nothing.
import type { CompiledAcl } from './compile.js';
import { evaluateAcl, isOperationAllowed } from './evaluate.js';
import { CAP_BITS } from './capabilities.js';
import type { Operation } from './types.js';

export function allowedSomewhereUnder(acl: CompiledAcl, prefix: string, op: Operation): boolean {
  if (acl.root) return true;
  // A path no longer rule names decides for every key that has no rule of its own.
  if (isOperationAllowed(evaluateAcl(acl, `${prefix}\u0001`), op)) return true;
  const bit = CAP_BITS[op];
  const grants = (bitmap: number): boolean => (bitmap & CAP_BITS.deny) === 0 && (bitmap & bit) !== 0;
  const full = `${acl.pathPrefix ?? ''}${prefix}`;
  for (const rules of [acl.exact, acl.prefix]) {
    for (const [key, perms] of rules) if (key.startsWith(full) && grants(perms.bitmap)) return true;
  }
  // `+` rules: one that grants and whose leading segments can match the prefix's may apply below it.
  const segs = full.split('/').slice(0, -1);
  return acl.segments.some((rule) => {
    if (!grants(rule.perms.bitmap)) return false;
    for (let i = 0; i < Math.min(rule.parts.length, segs.length); i++) {
      const part = rule.parts[i] as string;
      const seg = segs[i] as string;
      const last = i === rule.parts.length - 1;
      if (part === '+' || part === seg || (last && rule.isPrefix && seg.startsWith(part))) continue;
      return false;
    }
    return true;
  });
}
