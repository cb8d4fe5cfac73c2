// The Vault double's ACL check for the tokens it issues, on the product's ACL engine
// (src/vault/acl: Vault-exact parsing, priority and LIST handling), so the double enforces
// policies exactly as Vault would. No product logic here beyond calling the engine.
import { BUILTIN_DEFAULT_POLICY, allowOperation, capabilitiesOf, checkNonExactBareMount, compileAcl, type CompiledAcl } from '../../src/vault/acl/index.js';

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
  return allowOperation(acl, path, operation, { data }).allowed;
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
