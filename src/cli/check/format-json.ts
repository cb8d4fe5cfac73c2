// `--format json`: the documented stable schema of src/report/report.ts, plus `skipped`.
import type { Report } from '../../report/report.js';
import type { CheckReport } from './located.js';

/** The shared schema plus what only `check` has: the ESO objects it did not judge. */
export interface CheckJsonReport extends Report {
  summary: Report['summary'] & { skipped: number; offline?: true };
  skipped: { apiVersion: string | null; kind: string | null; namespace: string | null; name: string | null; file: string; reason: string }[];
}

export function toJsonReport(report: CheckReport): CheckJsonReport {
  const skipped = report.skipped;
  return {
    findings: report.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      resource: { kind: f.resource.kind, namespace: f.resource.namespace, name: f.resource.name },
      file: f.file,
      field: f.field,
      message: f.message,
      hint: f.hint,
    })),
    summary: { ...report.summary, skipped: skipped.length, ...(report.offline ? { offline: true as const } : {}) },
    skipped: skipped.map(({ apiVersion, kind, namespace, name, file, reason }) => ({ apiVersion, kind, namespace, name, file, reason })),
  };
}

/** `check`'s JSON: the shared report, plus the input objects it did not check. */
export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
