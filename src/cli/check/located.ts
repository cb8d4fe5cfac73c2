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
  /** ESO objects not judged (a kind or API version the checks do not model), with why. */
  skipped?: SkippedObject[];
  /** Distinct could-not-check reasons, in order of appearance. */
  couldNotCheck: string[];
}

export interface SkippedObject {
  resource: ReportFinding['resource'];
  file: string;
  reason: string;
}

export function buildCheckReport(checked: readonly CheckedObject[]): CheckReport {
  const findings: LocatedFinding[] = [];
  const reasons = new Set<string>();
  const skipped: SkippedObject[] = [];
  for (const { doc, result } of checked) {
    if (result.skipped !== undefined) {
      skipped.push({ resource: { kind: result.resource.kind, namespace: result.resource.namespace ?? null, name: result.resource.name }, file: doc.file, reason: result.skipped });
    }
    for (const f of reportFindings({ result, file: doc.file })) findings.push({ ...f, file: doc.file, line: fieldLine(doc, f.field) });
    for (const c of result.couldNotCheck) reasons.add(c.reason);
  }
  return { findings, summary: summarise(findings), objects: checked.length - skipped.length, skipped, couldNotCheck: [...reasons] };
}

/** `ExternalSecret team-a/db`, `ClusterSecretStore vault`. */
export function describeResource(r: ReportFinding['resource']): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}
