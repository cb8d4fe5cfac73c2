// Turns policy text into path rules exactly as Vault's vault/policy.go (parseACLPolicyWithTemplating,
// parsePaths) does when a policy is written: same accepted keys, capability and legacy-policy
// handling, wildcard normalisation, parameter and wrapping-TTL validation, and Vault's error texts.
import { HclItem, HclNode, HclSyntaxError, parseHcl1 } from './hcl1.js';
import { templateValidityCheck } from './templating.js';
import { parseDurationSeconds } from './duration.js';
import { CAP_BITS, capabilityBit } from './capabilities.js';

export type ParameterValue = string | number | boolean | null | ParameterValue[] | { [k: string]: ParameterValue };
export type ParameterMap = Record<string, ParameterValue[]>;

export interface ParsedPathRule {
  /** The path key as written in the policy (templates still unexpanded). */
  rawKey: string;
  /** Line of the `path` key in the policy text. */
  line: number;
  /** Stored path: one leading `/` stripped, trailing `*` stripped for prefix rules. */
  path: string;
  policy: string;
  /** PathRules.Capabilities: legacy policy expanded, written order (["deny"] once deny is met). */
  capabilities: string[];
  bitmap: number;
  isPrefix: boolean;
  hasSegmentWildcards: boolean;
  minWrappingTtlSeconds: number;
  maxWrappingTtlSeconds: number;
  /** null = not set (Go nil map). Keys are lower-cased. */
  allowedParameters: ParameterMap | null;
  deniedParameters: ParameterMap | null;
  requiredParameters: string[] | null;
  mfaMethods: string[] | null;
}

export interface ParsedPolicy {
  /** Name the policy is stored under (the caller's name, lower-cased as Vault stores it). */
  name: string;
  /** `name = "..."` inside the text, if any (Vault ignores it when storing). */
  declaredName?: string;
  templated: boolean;
  paths: ParsedPathRule[];
}

export class PolicyParseError extends Error {
  constructor(
    readonly policyName: string,
    /** 1-based line the problem is on, 0 when unknown. */
    readonly line: number,
    /** Vault's own error text (`failed to parse policy: ...`). */
    readonly vaultMessage: string,
  ) {
    super(`policy "${policyName}"${line > 0 ? ` line ${line}` : ''}: ${vaultMessage}`);
    this.name = 'PolicyParseError';
  }
}

const TOP_LEVEL_KEYS = new Set(['name', 'path']);
const STANZA_KEYS = new Set([
  'comment',
  'policy',
  'capabilities',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'mfa_methods',
  'control_group',
  'subscribe_event_types',
]);
const LEGACY_EXPANSION: Record<string, string[]> = {
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/** An error carrying Vault's text and the line it belongs to. */
class StanzaError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** hcl v1 decode errors are parser.PosError: `At line:col: message`. */
function decodeError(n: HclNode, message: string): StanzaError {
  return new StanzaError(`At ${n.line}:${n.col ?? 1}: ${message}`, n.line);
}

/** Go's hashicorp/go-multierror rendering. */
function multiError(errors: string[]): string {
  const body = errors.map((e) => `\t* ${e}`).join('\n');
  return `${errors.length} error${errors.length === 1 ? '' : 's'} occurred:\n${body}\n\n`;
}

function invalidKeys(items: HclItem[], valid: Set<string>): { messages: string[]; firstLine: number } {
  const messages: string[] = [];
  let firstLine = 0;
  for (const item of items) {
    const key = item.keys[0]!.value;
    if (!valid.has(key)) {
      // hcl v1 reports the line of the `=` token (0 for a block without one).
      messages.push(`invalid key ${JSON.stringify(key)} on line ${item.assignLine}`);
      if (firstLine === 0) firstLine = item.keys[0]!.line;
    }
  }
  return { messages, firstLine };
}

function nodeType(n: HclNode): string {
  return { object: '*ast.ObjectType', list: '*ast.ListType', string: '*ast.LiteralType', number: '*ast.LiteralType', bool: '*ast.LiteralType' }[n.kind];
}

function decodeString(n: HclNode, field: string): string {
  if (n.kind === 'string') return n.value;
  if (n.kind === 'number') return n.text;
  if (n.kind === 'bool') return String(n.value);
  throw decodeError(n, `root.${field}: unknown type for string ${nodeType(n)}`);
}

/** hcl v1 decodeSlice: a list's elements, an object as one element; a literal is an error. */
function listElems(n: HclNode): HclNode[] {
  if (n.kind === 'list') return n.elems;
  if (n.kind === 'object') return [n];
  throw decodeError(n, `unknown slice type: ${nodeType(n)}`);
}

function decodeStringList(n: HclNode, field: string): string[] {
  return listElems(n).map((e, i) => decodeString(e, `${field}[${i}]`));
}

function decodeAny(n: HclNode): ParameterValue {
  switch (n.kind) {
    case 'string':
      return n.value;
    case 'number':
      return n.value;
    case 'bool':
      return n.value;
    case 'list':
      return n.elems.map(decodeAny);
    case 'object': {
      const out: Record<string, ParameterValue> = {};
      for (const it of n.items) out[it.keys[it.keys.length - 1]!.value] = decodeAny(it.val);
      return out;
    }
  }
}

/** hcl v1 decodeMap into map[string][]interface{}: repeated keys and repeated blocks append. */
function decodeParameterMap(n: HclNode, field: string, into: ParameterMap | undefined): ParameterMap {
  if (n.kind !== 'object') throw decodeError(n, `root.${field}: not an object type for map (${nodeType(n)})`);
  const out: ParameterMap = into ?? {};
  for (const it of n.items) {
    const key = it.keys[0]!.value;
    out[key] = (out[key] ?? []).concat(listElems(it.val).map(decodeAny));
  }
  return out;
}

function durationInput(n: HclNode): unknown {
  if (n.kind === 'string') return n.value;
  if (n.kind === 'number') return n.value;
  if (n.kind === 'bool') return n.value;
  return decodeAny(n);
}

/** Vault's validateParameter (parameter keys: JSON pointer syntax, tail-only wildcards). */
function validateParameter(key: string, wildcardPermitted: boolean): string | undefined {
  if (key.startsWith('/')) {
    // RFC 6901: `~` must be followed by 0 or 1.
    if (/~[^01]|~$/.test(key)) return `parameter key ${JSON.stringify(key)}: invalid path syntax: invalid escape sequence`;
  }
  if (key.includes('*')) {
    if (!wildcardPermitted) return `parameter key ${JSON.stringify(key)}: wildcard is not permitted here`;
    const ok = key === '*' || (key.startsWith('/') && key.endsWith('/*') && !key.slice(0, -2).includes('*'));
    if (!ok) return `parameter key ${JSON.stringify(key)} cannot contain non-tail wildcards`;
  }
  return undefined;
}

export interface NormalisedPath {
  path: string;
  isPrefix: boolean;
  hasSegmentWildcards: boolean;
}

/** parsePaths' normalisation of a (template-expanded) path key; throws the `+*` error. */
export function normalisePathKey(key: string): NormalisedPath {
  let path = key.startsWith('/') ? key.slice(1) : key;
  if (path.includes('+*')) throw new StanzaError(`path ${JSON.stringify(path)}: invalid use of wildcards ('+*' is forbidden)`, 0);
  const hasSegmentWildcards = path === '+' || path.includes('/+') || path.startsWith('+/');
  let isPrefix = false;
  if (path.endsWith('*') && !hasSegmentWildcards) {
    path = path.slice(0, -1);
    isPrefix = true;
  }
  return { path, isPrefix, hasSegmentWildcards };
}

function parseStanza(key: string, keyLine: number, val: HclNode): ParsedPathRule {
  if (val.kind !== 'object') throw new StanzaError(`path ${JSON.stringify(key)}: cannot check HCL keys of type ${nodeType(val)}`, keyLine);
  const bad = invalidKeys(val.items, STANZA_KEYS);
  if (bad.messages.length > 0) {
    throw new StanzaError(multiError(bad.messages.map((m) => `path ${JSON.stringify(key)}: ${m}`)), bad.firstLine);
  }
  let policy = '';
  let capabilities: string[] = [];
  let minTtl: unknown;
  let maxTtl: unknown;
  let allowed: ParameterMap | undefined;
  let denied: ParameterMap | undefined;
  let required: string[] | undefined;
  let mfa: string[] | undefined;
  const lineOf: Record<string, number> = {};
  try {
    // hcl v1 decodes every occurrence of a field in turn: scalars keep the last, slices append, maps merge.
    for (const it of val.items) {
      const k = it.keys[0]!.value;
      lineOf[k] = it.keys[0]!.line;
      const v: HclNode =
        it.keys.length > 1 ? { kind: 'object', items: [{ keys: it.keys.slice(1), assignLine: it.assignLine, val: it.val }], line: it.keys[0]!.line } : it.val;
      switch (k) {
        case 'policy':
          policy = decodeString(v, 'policy');
          break;
        case 'capabilities':
          capabilities = capabilities.concat(decodeStringList(v, 'capabilities'));
          break;
        case 'min_wrapping_ttl':
          minTtl = durationInput(v);
          break;
        case 'max_wrapping_ttl':
          maxTtl = durationInput(v);
          break;
        case 'allowed_parameters':
          allowed = decodeParameterMap(v, 'allowed_parameters', allowed);
          break;
        case 'denied_parameters':
          denied = decodeParameterMap(v, 'denied_parameters', denied);
          break;
        case 'required_parameters':
          required = (required ?? []).concat(decodeStringList(v, 'required_parameters'));
          break;
        case 'mfa_methods':
          mfa = (mfa ?? []).concat(decodeStringList(v, 'mfa_methods'));
          break;
        default:
          break; // comment, control_group (Enterprise), subscribe_event_types: accepted, not evaluated here
      }
    }
  } catch (e) {
    // multierror.Prefix on a plain error gives `path "<key>": <error>`.
    if (e instanceof StanzaError) throw new StanzaError(`path ${JSON.stringify(key)}: ${e.message}`, e.line);
    throw e;
  }

  const norm = normalisePathKey(key);
  const rule: ParsedPathRule = {
    rawKey: key,
    line: keyLine,
    path: norm.path,
    policy,
    capabilities,
    bitmap: 0,
    isPrefix: norm.isPrefix,
    hasSegmentWildcards: norm.hasSegmentWildcards,
    minWrappingTtlSeconds: 0,
    maxWrappingTtlSeconds: 0,
    allowedParameters: null,
    deniedParameters: null,
    requiredParameters: null,
    mfaMethods: null,
  };

  if (policy.length > 0) {
    if (policy === 'deny') rule.capabilities = ['deny'];
    else if (LEGACY_EXPANSION[policy]) rule.capabilities = capabilities.concat(LEGACY_EXPANSION[policy]!);
    else throw new StanzaError(`path ${JSON.stringify(key)}: invalid policy ${JSON.stringify(policy)}`, lineOf.policy ?? keyLine);
  }

  for (const cap of rule.capabilities) {
    if (cap === 'deny') {
      // Vault stops reading the stanza here: nothing after `deny` is validated.
      rule.capabilities = ['deny'];
      rule.bitmap = CAP_BITS.deny;
      return rule;
    }
    const bit = capabilityBit(cap);
    if (bit === undefined || cap === 'root') {
      throw new StanzaError(`path ${JSON.stringify(key)}: invalid capability ${JSON.stringify(cap)}`, lineOf.capabilities ?? keyLine);
    }
    rule.bitmap |= bit;
  }

  for (const [field, src] of [
    ['allowed_parameters', allowed],
    ['denied_parameters', denied],
  ] as const) {
    if (!src) continue;
    const out: ParameterMap = {};
    for (const [pk, pv] of Object.entries(src)) {
      const problem = validateParameter(pk, true);
      if (problem) throw new StanzaError(`path ${JSON.stringify(rule.path)}: ${field}: ${problem}`, lineOf[field] ?? keyLine);
      out[pk.toLowerCase()] = pv;
    }
    if (field === 'allowed_parameters') rule.allowedParameters = out;
    else rule.deniedParameters = out;
  }
  for (const [field, raw] of [
    ['min_wrapping_ttl', minTtl],
    ['max_wrapping_ttl', maxTtl],
  ] as const) {
    if (raw === undefined) continue;
    const parsed = parseDurationSeconds(raw);
    if (typeof parsed === 'string') throw new StanzaError(`error parsing ${field}: ${parsed}`, lineOf[field] ?? keyLine);
    if (field === 'min_wrapping_ttl') rule.minWrappingTtlSeconds = parsed;
    else rule.maxWrappingTtlSeconds = parsed;
  }
  if (mfa) rule.mfaMethods = mfa;
  if (rule.minWrappingTtlSeconds !== 0 && rule.maxWrappingTtlSeconds !== 0 && rule.maxWrappingTtlSeconds < rule.minWrappingTtlSeconds) {
    throw new StanzaError('max_wrapping_ttl cannot be less than min_wrapping_ttl', lineOf.max_wrapping_ttl ?? keyLine);
  }
  if (required && required.length > 0) {
    for (const p of required) {
      const problem = validateParameter(p, false);
      if (problem) throw new StanzaError(`path ${JSON.stringify(rule.path)}: required_parameters: ${problem}`, lineOf.required_parameters ?? keyLine);
    }
    rule.requiredParameters = required;
  }
  return rule;
}

/**
 * Parses a policy as Vault does when it is written (`ParseACLPolicy`): templates are only checked
 * for balanced braces and kept raw. Throws PolicyParseError with Vault's message.
 */
export function parsePolicy(name: string, text: string): ParsedPolicy {
  const fail = (line: number, msg: string): never => {
    throw new PolicyParseError(name, line, `failed to parse policy: ${msg}`);
  };
  let items: HclItem[];
  try {
    items = parseHcl1(text);
  } catch (e) {
    if (e instanceof HclSyntaxError) return fail(e.line, e.message);
    throw e;
  }
  const bad = invalidKeys(items, TOP_LEVEL_KEYS);
  if (bad.messages.length > 0) fail(bad.firstLine, multiError(bad.messages));

  const policy: ParsedPolicy = { name: name.trim().toLowerCase(), templated: false, paths: [] };
  for (const it of items) {
    if (it.keys[0]!.value === 'name') {
      if (it.keys.length > 1 || it.val.kind === 'object' || it.val.kind === 'list') fail(it.keys[0]!.line, `name: unknown type for string ${nodeType(it.val)}`);
      policy.declaredName = decodeString(it.val, 'name');
    }
  }
  for (const it of items) {
    if (it.keys[0]!.value !== 'path') continue;
    // parsePaths: the key after `path` names the stanza ("path" when there is none); any further
    // keys are ignored and the item's value is the stanza, as Vault does after list.Filter("path").
    const stanzas = [{ key: it.keys[1]?.value ?? 'path', line: (it.keys[1] ?? it.keys[0]!).line, val: it.val }];
    for (const s of stanzas) {
      const check = templateValidityCheck(s.key);
      if (check.error) fail(s.line, `failed to validate policy templating: ${check.error}`);
      if (check.templated) policy.templated = true;
      try {
        policy.paths.push(parseStanza(s.key, s.line, s.val));
      } catch (e) {
        if (e instanceof StanzaError) fail(e.line || s.line, e.message);
        throw e;
      }
    }
  }
  return policy;
}
