// The stable JSON report shared by `check --format json` and the audit's GET /report.
// Field names are public API (documented in docs/check.md); add fields, never rename them.
import type { Severity } from '../checks/finding.js';
import type { CheckResult } from '../checks/result.js';

export interface ReportFinding {
  code: string;
  severity: Severity;
  resource: { kind: string; namespace: string | null; name: string };
  /** The file the object came from (check CLI); null for objects read from the cluster. */
  file: string | null;
  field: string;
  message: string;
  hint: string;
}

export interface ReportSummary {
  errors: number;
  warnings: number;
  infos: number;
}

export interface Report {
  findings: ReportFinding[];
  summary: ReportSummary;
}

export interface ReportInput {
  result: CheckResult;
  file?: string;
}

export function reportFindings(input: ReportInput): ReportFinding[] {
  const { result, file } = input;
  return result.findings.map((f) => ({
    code: f.code,
    severity: f.severity,
    resource: { kind: result.resource.kind, namespace: result.resource.namespace ?? null, name: result.resource.name },
    file: file ?? null,
    field: f.field,
    message: f.message,
    hint: f.hint ?? '',
  }));
}

export function summarise(findings: readonly ReportFinding[]): ReportSummary {
  const summary: ReportSummary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === 'error') summary.errors += 1;
    else if (f.severity === 'warning') summary.warnings += 1;
    else summary.infos += 1;
  }
  return summary;
}

export function buildReport(inputs: readonly ReportInput[]): Report {
  const findings = inputs.flatMap(reportFindings);
  return { findings, summary: summarise(findings) };
}
