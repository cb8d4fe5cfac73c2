// The proposed Vault change of an `impact` run, read from its flags: `--policy NAME=FILE` (the new
// text; an empty file deletes the policy), `--role MOUNT/NAME=FILE` (the new role as
// `vault read -format=json auth/MOUNT/role/NAME` prints it, or its `data`; an empty file deletes the
// role), `--remove-secret PATH`. A policy Vault would refuse to store is refused here too.
import { readFileSync } from 'node:fs';
import { parsePolicy, PolicyParseError } from '../../vault/acl/index.js';
import { roleKey, type VaultChange } from '../../vault/index.js';
import { CheckConfigError } from '../check/errors.js';

export interface ChangeFlags {
  policy?: string[];
  role?: string[];
  removeSecret?: string[];
  vaultNamespace?: string;
}

function readChangeFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CheckConfigError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function splitSpec(flag: string, spec: string, shape: string): [string, string] {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq).trim() : '';
  const file = eq > 0 ? spec.slice(eq + 1).trim() : '';
  if (name === '' || file === '') throw new CheckConfigError(`${flag} expects ${shape}, got "${spec}"`);
  return [name, file];
}

/** A policy file holds the HCL/JSON policy, or a `sys/policies/acl/<name>` answer (`data.policy`). */
function policyText(raw: string): string {
  if (!raw.trimStart().startsWith('{')) return raw;
  try {
    const doc = JSON.parse(raw) as Record<string, unknown>;
    const data = (doc['data'] ?? doc) as Record<string, unknown>;
    if (!('path' in doc) && typeof data['policy'] === 'string') return data['policy'];
  } catch {
    // not JSON: parsed as HCL below, which names the line
  }
  return raw;
}

const ROLE_FIELD = /^(bound_|token_|policies$|role_type$|audience$|user_claim$|groups_claim$|claim_mappings$|alias_name_source$)/;

function roleData(flag: string, file: string, raw: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (err) {
    throw new CheckConfigError(`${flag}: ${file} is not JSON (give the role as \`vault read -format=json auth/MOUNT/role/NAME\` prints it): ${(err as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CheckConfigError(`${flag}: ${file} holds no JSON object`);
  const obj = doc as Record<string, unknown>;
  // `vault read -format=json` wraps the role in an API answer ({request_id, ..., data: {...}}).
  const data = obj['data'];
  const wrapped = data !== null && typeof data === 'object' && !Array.isArray(data) && !Object.keys(obj).some((k) => ROLE_FIELD.test(k));
  return wrapped ? (data as Record<string, unknown>) : obj;
}

export function readVaultChange(flags: ChangeFlags): VaultChange {
  const policies = new Map<string, string | null>();
  for (const spec of flags.policy ?? []) {
    const [rawName, file] = splitSpec('--policy', spec, 'NAME=FILE');
    // Vault lower-cases policy names when it stores them.
    const name = rawName.toLowerCase();
    if (name === 'root') throw new CheckConfigError('--policy root: the root policy cannot be changed');
    const raw = readChangeFile('--policy', file);
    if (raw.trim() === '') {
      if (name === 'default') throw new CheckConfigError('--policy default=<empty file>: Vault does not delete the default policy');
      policies.set(name, null);
      continue;
    }
    const text = policyText(raw);
    try {
      parsePolicy(name, text);
    } catch (err) {
      if (err instanceof PolicyParseError) throw new CheckConfigError(`--policy ${name}: ${file}: Vault would refuse this policy: ${err.message}`);
      throw err;
    }
    policies.set(name, text);
  }
  const roles = new Map<string, Record<string, unknown> | null>();
  for (const spec of flags.role ?? []) {
    const [ref, file] = splitSpec('--role', spec, 'MOUNT/NAME=FILE');
    const at = ref.replace(/\/+$/, '').lastIndexOf('/');
    if (at <= 0) throw new CheckConfigError(`--role expects MOUNT/NAME=FILE (e.g. kubernetes/team-a=role.json), got "${spec}"`);
    const mount = ref.slice(0, at).replace(/^auth\//, '');
    const name = ref.slice(at + 1).replace(/\/+$/, '');
    const raw = readChangeFile('--role', file);
    roles.set(roleKey(mount, name), raw.trim() === '' ? null : roleData('--role', file, raw));
  }
  const removedSecrets = (flags.removeSecret ?? []).map((p) => {
    const path = p.trim().replace(/^\/+|\/+$/g, '');
    if (path === '' || !path.includes('/')) throw new CheckConfigError(`--remove-secret expects MOUNT/PATH (e.g. apps/team-a/db), got "${p}"`);
    return path;
  });
  if (policies.size === 0 && roles.size === 0 && removedSecrets.length === 0) {
    throw new CheckConfigError('no change given: name at least one --policy NAME=FILE, --role MOUNT/NAME=FILE or --remove-secret PATH');
  }
  return { policies, roles, removedSecrets, namespace: (flags.vaultNamespace ?? '').replace(/^\/+|\/+$/g, '') };
}
