// Policy coverage: may the store's identity make the exact request ESO will make?
// The verdict depends only on the path and the policies, never on what exists at the path, so a
// denial reads the same for an existing and a missing secret (issue "no oracle").
import type { VaultRequestPlan } from '../../eso/model.js';
import type { AclEvaluation } from '../../vault/acl/types.js';
import type { Finding } from '../finding.js';
import { describeStore, oneLine, quoteList, type StoreLabel } from './describe.js';

export interface CoverageInput {
  request: VaultRequestPlan;
  /** The path the ACL is checked against (Vault's request path without `/v1/`). */
  aclPath: string;
  evaluation: AclEvaluation;
  /** isOperationAllowed(evaluation, request.capability). */
  allowed: boolean;
  /** suggestStanza(aclPath, request.capability). */
  stanza: string;
  store: StoreLabel;
  roleName: string;
  authMountPath: string;
  /** The role's token policies, `default` included when attached. */
  policyNames: string[];
  /** The policy to suggest the stanza for (a single, non-templated policy of the role); else "a policy of the role". */
  targetPolicy?: string;
  /** Manifest-only hints (classic mistakes); they depend on nothing in Vault, so they reveal nothing. */
  hints?: string[];
}

export type CoverageVerdict =
  | { verdict: 'allowed'; findings: [] }
  | { verdict: 'denied'; findings: Finding[] }
  | { verdict: 'unknown'; findings: Finding[] };

const VERB: Record<VaultRequestPlan['capability'], string> = { read: 'read', list: 'list' };

export function policyCoverage(input: CoverageInput): CoverageVerdict {
  if (input.allowed) return { verdict: 'allowed', findings: [] };
  const { request, evaluation } = input;
  const who = `${describeStore(input.store)} logs in as role "${input.roleName}" at auth mount "${input.authMountPath}" (policies ${quoteList(input.policyNames)})`;
  if (evaluation.unresolvedTemplates.length > 0) {
    const templates = [...new Set(evaluation.unresolvedTemplates.map((t) => `${t.template} in policy "${t.policy}"`))];
    return {
      verdict: 'unknown',
      findings: [
        {
          code: 'NotVerifiable',
          severity: 'info',
          field: request.field,
          message: `${who}; whether it may ${VERB[request.capability]} ${input.aclPath} depends on templated policy paths that cannot be resolved before a login (${templates.join('; ')}).`,
        },
      ],
    };
  }
  const target = input.targetPolicy;
  return {
    verdict: 'denied',
    findings: [
      {
        code: 'PolicyDenied',
        severity: 'error',
        field: request.field,
        message: `${who}, which may not ${VERB[request.capability]} ${input.aclPath}: ${reason(evaluation, request.capability)}.`,
        hint:
          `Reference a store whose role may ${VERB[request.capability]} this path, or add to ${target ? `policy "${target}"` : `a policy of role "${input.roleName}"`}: ` +
          oneLine(input.stanza) +
          (input.hints && input.hints.length > 0 ? ` ${input.hints.join(' ')}` : ''),
      },
    ],
  };
}

function reason(evaluation: AclEvaluation, capability: string): string {
  const rules = evaluation.decidedBy;
  if (rules.length === 0) return 'no rule in these policies matches the path';
  const denying = rules.find((r) => r.capabilities.includes('deny'));
  if (denying) return `rule path "${denying.rule}" in policy "${denying.policy}" denies it`;
  const described = rules.map((r) => `path "${r.rule}" in policy "${r.policy}" grants ${quoteList(r.capabilities)}`).join('; ');
  return `the matching rule (${described}) does not grant "${capability}"`;
}
