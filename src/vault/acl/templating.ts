// Vault's identity templating for ACL policy paths (sdk/helper/identitytpl, ACL mode): which
// directives exist, which values count as missing, and the checks on the substituted value.
import type { AclIdentity } from './types.js';
import { parseDurationSeconds } from './duration.js';

export const ERR_UNBALANCED = 'unbalanced templating characters';
const ERR_NO_ENTITY = 'string contains entity template directives but no entity was provided';
const ERR_NO_GROUPS = 'string contains groups template directives but no groups were provided';
const ERR_NOT_FOUND = 'no value could be found for one of the template directives';
const ERR_WILDCARD = 'globs and wildcards are not allowed in template result';
const ERR_SLASH = "templated policy paths cannot contain '/' when denied via configuration";

export interface TemplateOptions {
  /** Vault core option DenySlashInTemplatedPolicyPaths (default false). */
  denySlashInTemplatedPaths?: boolean;
  /** Clock for `time.now` directives (seconds since epoch); defaults to now. */
  nowSeconds?: number;
}

export type TemplateResult = { ok: true; value: string; templated: boolean } | { ok: false; directive: string; error: string };

/** The write-time check (ValidityCheckOnly): only brace balance. */
export function templateValidityCheck(s: string): { templated: boolean; error?: string } {
  if (s === '') return { templated: false };
  const parts = s.split('{{');
  if (parts[0]!.includes('}}')) return { templated: false, error: ERR_UNBALANCED };
  if (parts.length === 1) return { templated: false };
  for (const p of parts.slice(1)) if (p.split('}}').length !== 2) return { templated: false, error: ERR_UNBALANCED };
  return { templated: true };
}

type Lookup = { value: string } | { error: string };
const found = (value: string): Lookup => ({ value });
const missing = (error = ERR_NOT_FOUND): Lookup => ({ error });

/** aclTemplateHandler: strings must be non-empty; map lookups return the value even when empty. */
function fromString(v: string | undefined): Lookup {
  return v ? found(v) : missing();
}
function fromMap(m: Record<string, string> | undefined, key: string | undefined): Lookup {
  if (key === undefined || !m || !Object.prototype.hasOwnProperty.call(m, key)) return missing();
  return found(m[key]!);
}

function aliasDirective(rest: string, alias: NonNullable<NonNullable<AclIdentity['entity']>['aliases']>[number]): Lookup {
  if (rest === 'id') return fromString(alias.id);
  if (rest === 'name') return fromString(alias.name);
  if (rest.startsWith('metadata.')) return fromMap(alias.metadata, rest.slice('metadata.'.length));
  if (rest.startsWith('custom_metadata.')) return fromMap(alias.custom_metadata, rest.slice('custom_metadata.'.length));
  return missing();
}

function entityDirective(rest: string, identity: AclIdentity): Lookup {
  const entity = identity.entity!;
  if (rest === 'id') return fromString(entity.id);
  if (rest === 'name') return fromString(entity.name);
  if (rest.startsWith('metadata.')) return fromMap(entity.metadata, rest.slice('metadata.'.length));
  if (rest.startsWith('aliases.')) {
    const sel = rest.slice('aliases.'.length);
    const dot = sel.indexOf('.');
    if (dot < 0) return missing('invalid alias selector');
    const accessor = sel.slice(0, dot);
    const alias = (entity.aliases ?? []).find((a) => a.mount_accessor === accessor);
    if (!alias) return missing('alias not found');
    return aliasDirective(sel.slice(dot + 1), alias);
  }
  // metadata (whole map), groups.names / groups.ids (lists) and anything else are not ACL values.
  return missing();
}

function groupsDirective(rest: string, identity: AclIdentity): Lookup {
  const dot = rest.indexOf('.');
  if (dot < 0) return missing('invalid groups selector');
  const selector = rest.slice(0, dot);
  if (selector !== 'ids' && selector !== 'names') return missing('invalid groups selector');
  const sel = rest.slice(dot + 1);
  const dot2 = sel.indexOf('.');
  if (dot2 < 0) return missing('invalid groups accessor');
  const wanted = sel.slice(0, dot2);
  const group = (identity.groups ?? []).find((g) => (selector === 'ids' ? g.id : g.name) === wanted);
  if (!group) return missing(`entity is not a member of group ${JSON.stringify(wanted)}`);
  const field = sel.slice(dot2 + 1);
  if (field === 'id') return found(group.id ?? '');
  if (field === 'name') return group.name ? found(group.name) : missing();
  if (field.startsWith('metadata.')) return fromMap(group.metadata, field.slice('metadata.'.length));
  return missing();
}

function timeDirective(rest: string, opts: TemplateOptions): Lookup {
  const now = Math.floor(opts.nowSeconds ?? Date.now() / 1000);
  const parts = rest.split('.');
  const [op0, op1] = parts;
  if (op0 !== 'now') return missing(`invalid time selector ${JSON.stringify(op0)}`);
  if (parts.length === 1) return found(String(now));
  if (parts.length === 2) return missing('missing time operand');
  const d = parseDurationSeconds(parts.slice(2).join('.'));
  if (typeof d === 'string') return missing(`invalid duration: ${d}`);
  if (op1 === 'plus') return found(String(Math.floor(now + d)));
  if (op1 === 'minus') return found(String(Math.floor(now - d)));
  return missing(`invalid time operator ${JSON.stringify(op1)}`);
}

function directive(input: string, identity: AclIdentity | undefined, opts: TemplateOptions): Lookup {
  if (input.startsWith('identity.entity.')) {
    if (!identity?.entity) return missing(ERR_NO_ENTITY);
    return entityDirective(input.slice('identity.entity.'.length), identity);
  }
  if (input.startsWith('identity.groups.')) {
    if (!identity?.groups || identity.groups.length === 0) return missing(ERR_NO_GROUPS);
    return groupsDirective(input.slice('identity.groups.'.length), identity);
  }
  if (input.startsWith('time.')) return timeDirective(input.slice('time.'.length), opts);
  return missing();
}

/** PopulateString in ACL mode: substitutes every `{{ directive }}` or reports the first failure. */
export function populateTemplate(s: string, identity: AclIdentity | undefined, opts: TemplateOptions = {}): TemplateResult {
  if (s === '') return { ok: true, value: '', templated: false };
  const parts = s.split('{{');
  if (parts[0]!.includes('}}')) return { ok: false, directive: s, error: ERR_UNBALANCED };
  if (parts.length === 1) return { ok: true, value: s, templated: false };
  let out = parts[0]!;
  for (const piece of parts.slice(1)) {
    const split = piece.split('}}');
    if (split.length !== 2) return { ok: false, directive: s, error: ERR_UNBALANCED };
    const name = split[0]!.trim();
    const r = directive(name, identity, opts);
    if ('error' in r) return { ok: false, directive: `{{${name}}}`, error: r.error };
    if (/[*+]/.test(r.value)) return { ok: false, directive: `{{${name}}}`, error: ERR_WILDCARD };
    if (opts.denySlashInTemplatedPaths && r.value.includes('/')) return { ok: false, directive: `{{${name}}}`, error: ERR_SLASH };
    out += r.value + split[1]!;
  }
  return { ok: true, value: out, templated: true };
}
