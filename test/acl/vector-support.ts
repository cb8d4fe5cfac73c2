// Loading the Vault ACL vectors from the reference fixtures (test/fixtures/reference) and running one through the engine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFERENCE_DIR } from '../support/paths.js';
import { capabilitiesOf, checkNonExactBareMount, compileAcl, exactRulePermissions, type AclIdentity } from '../../src/vault/acl/index.js';
import { allowRequest } from '../support/vault-double-acl.js';

export interface AclVector {
  id: string;
  source: string;
  policies: { name: string; text: string | null; builtin?: boolean }[];
  check: string;
  path: string;
  operation: string;
  data?: Record<string, unknown>;
  wrapTTLSeconds?: number;
  identity?: AclIdentity;
  coreConfig?: { DenySlashInTemplatedPolicyPaths?: boolean };
  expected: Record<string, unknown>;
}

export function loadVectors<T>(file: string): T[] {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, 'vault', file), 'utf8')) as T[];
}

/** Puts object keys in order so expected/actual compare regardless of Go map order. */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** The engine's answer for a vector, in the vector's `expected` vocabulary. */
export function runVector(v: AclVector): Record<string, unknown> {
  const acl = compileAcl(
    v.policies.map((p) => ({ name: p.name, text: p.text ?? '' })),
    v.identity,
    { denySlashInTemplatedPaths: v.coreConfig?.DenySlashInTemplatedPolicyPaths === true },
  );
  switch (v.check) {
    case 'AllowOperation': {
      const r = allowRequest(acl, v.path, v.operation as Parameters<typeof allowRequest>[2], {
        ...(v.data ? { data: v.data } : {}),
        ...(v.wrapTTLSeconds !== undefined ? { wrapTtlSeconds: v.wrapTTLSeconds } : {}),
      });
      return {
        allowed: r.allowed,
        rootPrivs: r.rootPrivs,
        isRoot: r.isRoot,
        grantingPolicies: r.grantingPolicies && r.allowed ? r.grantingPolicies.map((name) => ({ name, namespace_id: 'root', namespace_path: '', type: 'acl' })) : null,
      };
    }
    case 'Capabilities': {
      const caps = capabilitiesOf(acl, v.path);
      return { capabilities: caps, capabilitiesSorted: [...caps].sort() };
    }
    case 'MergedPermissions(exactRules[path])': {
      const m = exactRulePermissions(acl, v.path);
      return { allowedParameters: m?.allowedParameters ?? null, deniedParameters: m?.deniedParameters ?? null, requiredParameters: m?.requiredParameters ?? null };
    }
    case 'CheckAllowedFromNonExactPaths(path, bareMount=true)':
      return { hasPerms: checkNonExactBareMount(acl, v.path) };
    default:
      throw new Error(`vector ${v.id}: unknown check ${v.check}`);
  }
}
