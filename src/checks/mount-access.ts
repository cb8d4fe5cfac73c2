// Would Vault let the store's identity learn about the KV mount at all? This is Vault's
// `hasMountAccess` (sys/internal/ui/mounts/<path>): allowed when the mount path itself is not denied,
// or any rule at or under the mount grants something, or a `+` rule could apply under it
// (../shared/reference/vault/acl-semantics.md §2.9). The ACL engine exposes the compiled rules.
import { capabilitiesOf, checkNonExactBareMount, type CompiledAcl } from '../vault/acl/index.js';
import { CAP_BITS } from '../vault/acl/capabilities.js';

const GRANTING_BITS =
  CAP_BITS.create | CAP_BITS.read | CAP_BITS.update | CAP_BITS.delete | CAP_BITS.list | CAP_BITS.sudo | CAP_BITS.patch;

export function hasMountAccess(acl: CompiledAcl, mountPathWithSlash: string): boolean {
  if (acl.root) return true;
  const caps = capabilitiesOf(acl, mountPathWithSlash);
  if (caps.length > 0 && !caps.includes('deny')) return true;
  for (const rules of [acl.exact, acl.prefix]) {
    for (const [key, perms] of rules) {
      if (!key.startsWith(mountPathWithSlash)) continue;
      if ((perms.bitmap & CAP_BITS.deny) === 0 && (perms.bitmap & GRANTING_BITS) !== 0) return true;
    }
  }
  return checkNonExactBareMount(acl, mountPathWithSlash);
}
