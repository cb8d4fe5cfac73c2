// `policy-eval`: an offline `vault token capabilities`. Evaluates a path against policy files with
// the Vault-exact ACL engine and explains which rule decided. Exit 0 allowed, 1 denied, 2 usage
// or parse error.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliExit, CliIo } from '../io.js';
import {
  BUILTIN_DEFAULT_POLICY,
  PolicyParseError,
  compileAcl,
  evaluateAcl,
  isOperationAllowed,
  suggestStanza,
  type AclEvaluation,
  type AclIdentity,
  type Operation,
  type PolicySource,
} from '../../vault/acl/index.js';
import { FLAVOUR_LABEL } from '../../vault/flavour.js';

const OPERATIONS: Operation[] = ['read', 'list', 'create', 'update', 'delete', 'patch', 'sudo', 'recover'];

class UsageError extends Error {}

interface PolicyEvalOptions {
  policy: string[];
  path: string;
  operation: string;
  defaultPolicy: boolean;
  identity?: string;
  format: string;
  denySlashInTemplatedPaths?: boolean;
  server: string;
}

export interface PolicyEvalResult {
  path: string;
  operation: Operation;
  capabilities: string[];
  allowed: boolean;
  decidedBy: { policy: string; rule: string }[];
  unresolvedTemplates: { policy: string; template: string }[];
  suggestion: string | null;
  /** Why no suggestion can help, when that is the case. */
  note?: string;
  /** Whose ACL rules were applied (Vault and OpenBao differ in the LIST lookup order). */
  rules: 'vault' | 'openbao';
}

/** A policy file holds HCL/JSON policy text, or a `sys/policies/acl/<name>` API response. */
function policyTextFromFile(file: string): string {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read policy file ${file}: ${(e as Error).message}`);
  }
  if (raw.trimStart().startsWith('{')) {
    try {
      const doc = JSON.parse(raw) as Record<string, unknown>;
      const data = (doc.data ?? doc) as Record<string, unknown>;
      if (!('path' in doc) && typeof data.policy === 'string') return data.policy;
      if (!('path' in doc) && typeof data.rules === 'string') return data.rules;
    } catch {
      // not JSON after all: parse it as HCL below, which reports the error with a line
    }
  }
  return raw;
}

function collectPolicies(specs: string[], withDefault: boolean): PolicySource[] {
  const sources: PolicySource[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) {
      if (spec.trim().toLowerCase() === 'root') {
        sources.push({ name: 'root', text: '' });
        continue;
      }
      throw new UsageError(`--policy expects NAME=FILE, got ${JSON.stringify(spec)}`);
    }
    const name = spec.slice(0, eq).trim().toLowerCase();
    if (name === '') throw new UsageError(`--policy ${JSON.stringify(spec)} has an empty policy name`);
    sources.push({ name, text: policyTextFromFile(spec.slice(eq + 1)) });
  }
  // A token holding root holds nothing else (SanitizePolicies collapses the list).
  if (sources.some((s) => s.name === 'root')) return [{ name: 'root', text: '' }];
  if (withDefault && !sources.some((s) => s.name === 'default')) sources.push({ name: 'default', text: BUILTIN_DEFAULT_POLICY });
  return sources;
}

function readIdentity(file: string | undefined): AclIdentity | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AclIdentity;
  } catch (e) {
    throw new UsageError(`cannot read identity file ${file}: ${(e as Error).message}`);
  }
}

export function buildPolicyEvalResult(evaluation: AclEvaluation, operation: Operation): PolicyEvalResult {
  const allowed = isOperationAllowed(evaluation, operation);
  const path = evaluation.path.replace(/^\/+/, '');
  let suggestion: string | null = null;
  let note: string | undefined;
  if (!allowed) {
    const exactDeny = evaluation.decidedBy.find((d) => d.rule === path && d.capabilities.includes('deny'));
    if (exactDeny) {
      note = `policy "${exactDeny.policy}" denies "${path}" explicitly; a deny on the same path wins over any grant, so remove that stanza`;
    } else if (evaluation.decidedBy.length > 0 && evaluation.capabilities.includes(operation)) {
      note = 'the rule grants the capability, but its wrapping-TTL or required_parameters constraints refuse this request';
    } else {
      // Keep what the matched rule already grants: a new exact rule shadows the glob that matched.
      const keep = evaluation.capabilities.filter((c) => c !== 'deny' && c !== 'root');
      suggestion = suggestStanza(path, operation, keep);
    }
  }
  return {
    path,
    operation,
    capabilities: evaluation.capabilities,
    allowed,
    decidedBy: evaluation.decidedBy.map((d) => ({ policy: d.policy, rule: d.rule })),
    unresolvedTemplates: evaluation.unresolvedTemplates,
    suggestion,
    ...(note ? { note } : {}),
    rules: evaluation.rules ?? 'vault',
  };
}

function renderText(r: PolicyEvalResult, evaluation: AclEvaluation): string {
  const lines = [`path:         ${r.path}`, `operation:    ${r.operation} -> ${r.allowed ? 'allowed' : 'denied'}`, `capabilities: ${r.capabilities.join(', ')}`];
  if (evaluation.decidedBy.length === 0) lines.push('decided by:   no rule matches this path (implicit deny)');
  else for (const d of evaluation.decidedBy) lines.push(`decided by:   policy "${d.policy}" rule "${d.rule}" [${d.capabilities.join(', ')}]`);
  for (const u of r.unresolvedTemplates) lines.push(`unresolved:   policy "${u.policy}" template ${u.template} (stanza dropped, as Vault drops it)`);
  if (r.note) lines.push(`note:         ${r.note}`);
  lines.push(`rules:        ${FLAVOUR_LABEL[r.rules]}`);
  if (r.suggestion) lines.push('suggestion:   add this stanza to one of the policies:', ...r.suggestion.split('\n').map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

function run(opts: PolicyEvalOptions, io: CliIo): number {
  if (!OPERATIONS.includes(opts.operation as Operation)) throw new UsageError(`--operation must be one of ${OPERATIONS.join(', ')}`);
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError('--format must be text or json');
  const operation = opts.operation as Operation;
  const sources = collectPolicies(opts.policy, opts.defaultPolicy);
  const identity = readIdentity(opts.identity);
  if (opts.server !== 'vault' && opts.server !== 'openbao') throw new UsageError('--server must be vault or openbao');
  const acl = compileAcl(sources, identity, { denySlashInTemplatedPaths: opts.denySlashInTemplatedPaths === true, flavour: opts.server });
  const evaluation = evaluateAcl(acl, opts.path);
  const result = buildPolicyEvalResult(evaluation, operation);
  io.stdout.write(opts.format === 'json' ? JSON.stringify(result, null, 2) + '\n' : renderText(result, evaluation));
  return result.allowed ? 0 : 1;
}

export function registerPolicyEval(program: Command, io: CliIo, exit: CliExit): void {
  program
    .command('policy-eval')
    .description('Evaluate Vault ACL policies offline for one path (like `vault token capabilities`), and explain the decision')
    .option('--policy <NAME=FILE>', 'a policy the token holds (repeatable); HCL, JSON, or a sys/policies/acl response', (v: string, prev: string[]) => prev.concat(v), [])
    .requiredOption('--path <PATH>', 'the Vault API path, e.g. kv/data/app/db')
    .option('--operation <OP>', `one of ${OPERATIONS.join('|')}`, 'read')
    .option('--no-default-policy', 'do not attach the built-in default policy (token_no_default_policy)')
    .option('--identity <FILE>', 'JSON identity (entity, aliases, groups) to expand templated policies')
    .option('--deny-slash-in-templated-paths', "mirror Vault's DenySlashInTemplatedPolicyPaths core option")
    .option('-o, --format <FORMAT>', 'text or json', 'text')
    .option('--server <KIND>', 'whose ACL rules to apply: vault or openbao (they differ in the LIST lookup order)', 'vault')
    .action((opts: PolicyEvalOptions) => {
      let code: number;
      try {
        code = run(opts, io);
      } catch (e) {
        if (e instanceof UsageError || e instanceof PolicyParseError) {
          io.stderr.write(`policy-eval: ${e.message}\n`);
          code = 2;
        } else throw e;
      }
      exit.code = code;
    });
}
