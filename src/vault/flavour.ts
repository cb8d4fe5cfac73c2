// Which server speaks the Vault API: HashiCorp Vault or OpenBao. They differ where the product
// must follow the one it talks to (the ACL's LIST order; the text of an invalid-token 403).
// Told from sys/health: Vault's answer carries `enterprise` (true/false) and a 1.x version;
// OpenBao's has no `enterprise` field (recorded in test/contract/bao-health.json).
import type { AclFlavour } from './acl/index.js';

export function flavourFromHealth(body: unknown): AclFlavour | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { enterprise?: unknown; version?: unknown };
  if (typeof b.enterprise === 'boolean') return 'vault';
  return typeof b.version === 'string' ? 'openbao' : undefined;
}

export const FLAVOUR_LABEL: Record<AclFlavour, string> = {
  vault: 'HashiCorp Vault rules (LIST p/ checks non-exact rules for p before p/)',
  openbao: 'OpenBao rules (LIST p/ checks non-exact rules for p/ before p)',
};
