// Findings of a run in the shared report schema, each with the source line it points at
// (used by the sarif and github formats; the json format keeps the documented schema only).
import { reportFindings, summarise, type ReportFinding, type ReportSummary } from '../../report/report.js';
import { fieldLine } from './field-lines.js';
import type { CheckedObject } from './run.js';

export interface LocatedFinding extends ReportFinding {
  file: string;
  /** 1-based line of the field's key, or of its deepest present parent. */
  line: number;
}

export interface CheckReport {
  findings: LocatedFinding[];
  summary: ReportSummary;
  /** Objects checked (ExternalSecrets and stores). */
  objects: number;
  /** Distinct could-not-check reasons, in order of appearance. */
  couldNotCheck: string[];
}

export function buildCheckReport(checked: readonly CheckedObject[]): CheckReport {
  const findings: LocatedFinding[] = [];
  const reasons = new Set<string>();
  for (const { doc, result } of checked) {
    for (const f of reportFindings({ result, file: doc.file })) findings.push({ ...f, file: doc.file, line: fieldLine(doc, f.field) });
    for (const c of result.couldNotCheck) reasons.add(c.reason);
  }
  return { findings, summary: summarise(findings), objects: checked.length, couldNotCheck: [...reasons] };
}

/** `ExternalSecret team-a/db`, `ClusterSecretStore vault`. */
export function describeResource(r: ReportFinding['resource']): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}
