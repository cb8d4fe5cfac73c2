// The smallest stanza that grants a missing capability on one exact path.
import type { Capability } from './types.js';

/**
 * `alsoKeep`: capabilities the currently matching rule grants on this path. An exact rule shadows
 * the glob that matched, so a stanza without them would take those away.
 */
export function suggestStanza(path: string, capability: Capability, alsoKeep: readonly string[] = []): string {
  const key = path.replace(/^\/+/, '');
  const caps = [...new Set([...alsoKeep.filter((c) => c !== 'deny' && c !== 'root' && c !== capability), capability])];
  return `path ${JSON.stringify(key)} {\n  capabilities = [${caps.map((c) => JSON.stringify(c)).join(', ')}]\n}`;
}
