// From findings to an admission decision: modes (global, namespace label, object annotation),
// skipped codes, and failOpen/failClosed when a check could not run.
import type { AdmissionMode, FailureMode } from '../config/types.js';
import type { AdmissionDecision } from '../server/decision.js';
import type { Finding, Severity } from './finding.js';
import { aboutManifest, shownToAuthor } from './finding-codes.js';
import { denialMessage, describeResource, errorLine, warningLine } from './messages.js';
import type { CheckResult } from './result.js';

export const MODE_KEY = 'eso-vault-guard.io/mode';
export const SKIP_CODES_ANNOTATION = 'eso-vault-guard.io/skip-codes';

export interface DecideOptions {
  /** Global default. */
  mode: AdmissionMode;
  failureMode: FailureMode;
  /** Labels of the object's namespace (label `eso-vault-guard.io/mode` overrides the global mode). */
  namespaceLabels?: Record<string, string>;
  /**
   * Whether the object's own annotations may loosen the decision (a looser mode, skip-codes); see
   * overrides.ts. Default true: the check CLI judges an author's own files for that author.
   */
  objectOverrides?: boolean;
}

function asMode(value: string | undefined): AdmissionMode | undefined {
  const v = value?.trim().toLowerCase();
  return v === 'enforce' || v === 'warn' || v === 'audit' ? v : undefined;
}

const STRICTNESS: Record<AdmissionMode, number> = { audit: 0, warn: 1, enforce: 2 };

/**
 * The most specific valid setting wins: object annotation, then namespace label, then global
 * default. Without object overrides the annotation may only make the mode stricter.
 */
export function resolveMode(globalMode: AdmissionMode, namespaceLabels: Record<string, string> | undefined, annotations: Record<string, string>, objectOverrides = true): AdmissionMode {
  const base = asMode(namespaceLabels?.[MODE_KEY]) ?? globalMode;
  const own = asMode(annotations[MODE_KEY]);
  if (own === undefined) return base;
  return objectOverrides || STRICTNESS[own] > STRICTNESS[base] ? own : base;
}

export function skippedCodes(annotations: Record<string, string>, objectOverrides = true): Set<string> {
  const raw = annotations[SKIP_CODES_ANNOTATION] ?? '';
  if (!objectOverrides || raw === '') return new Set();
  return new Set(raw.split(',').map((c) => c.trim()).filter((c) => c !== ''));
}

export function decide(result: CheckResult, opts: DecideOptions): AdmissionDecision {
  const mode = resolveMode(opts.mode, opts.namespaceLabels, result.annotations, opts.objectOverrides ?? true);
  // Most admissions have no findings: then no skip set, filtered copy or code set is built.
  const none = result.findings.length === 0;
  const skip = none ? undefined : skippedCodes(result.annotations, opts.objectOverrides ?? true);
  const findings = none || skip?.size === 0 ? result.findings : result.findings.filter((f) => !skip?.has(f.code));
  const codes = none ? [] : [...new Set(findings.map((f) => f.code))];
  const decided = decideWithoutSeverities(result, opts, mode, findings, codes);
  return codes.length > 0 ? { ...decided, severities: severitiesByCode(findings) } : decided;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** One severity per code (the most severe), for the admission findings counter. */
function severitiesByCode(findings: Finding[]): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  for (const f of findings) {
    const seen = out[f.code];
    if (seen === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[seen]) out[f.code] = f.severity;
  }
  return out;
}

function decideWithoutSeverities(
  result: CheckResult,
  opts: DecideOptions,
  mode: ReturnType<typeof resolveMode>,
  findings: Finding[],
  codes: string[],
): AdmissionDecision {
  const errors = findings.filter((f) => f.severity === 'error');
  // Operator-only codes (StoreOutOfScope: a non-Vault store) are counted and logged but not shown.
  const others = findings.filter((f) => f.severity !== 'error' && shownToAuthor(f.code));
  if (mode === 'audit') return { allowed: true, warnings: [], codes, ...(errors.length > 0 ? { wouldDeny: true } : {}) };

  const couldNotCheck = result.couldNotCheck.map((c) => c.reason);
  if (couldNotCheck.length > 0 && opts.failureMode === 'failClosed' && !(mode === 'enforce' && errors.length > 0)) {
    return {
      allowed: false,
      statusCode: 500,
      message:
        `${describeResource(result.resource)} could not be checked against Vault: ${[...new Set(couldNotCheck)].join('; ')}. ` +
        'Denied because the webhook runs failClosed; retry when Vault is reachable.',
      warnings: orderWarnings(others).map(warningLine),
      codes,
      couldNotCheck: true,
    };
  }
  const warnings: string[] = [];
  if (mode === 'enforce' && errors.length > 0) {
    return {
      allowed: false,
      statusCode: 403,
      message: denialMessage(result.resource, errors),
      warnings: orderWarnings(others).map(warningLine),
      codes,
    };
  }
  if (errors.length > 0) {
    warnings.push(`eso-vault-guard would deny this in enforce mode (mode warn):`);
    warnings.push(...errors.map(errorLine));
  }
  warnings.push(...orderWarnings(others).map(warningLine));
  // Warnings that Vault could not be asked (VaultUnavailable) already say what was not checked; add the line only without them.
  if (couldNotCheck.length > 0 && !others.some((f) => !aboutManifest(f.code))) {
    warnings.push(`Not checked against Vault (allowed, failOpen): ${[...new Set(couldNotCheck)].join('; ')}`);
  }
  return { allowed: true, warnings, codes, ...(errors.length > 0 ? { wouldDeny: true } : {}), ...(couldNotCheck.length > 0 ? { couldNotCheck: true } : {}) };
}

/** Warnings before infos, so the API server's budget keeps what matters most. */
function orderWarnings(findings: Finding[]): Finding[] {
  return [...findings.filter((f) => f.severity === 'warning'), ...findings.filter((f) => f.severity === 'info')];
}
