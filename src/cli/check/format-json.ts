// `--format json`: the documented stable schema of src/report/report.ts, plus `skipped`.
import type { Report } from '../../report/report.js';
import type { CheckReport } from './located.js';

export function toJsonReport(report: CheckReport): Report {
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
    summary: { ...report.summary },
  };
}

/** `check`'s JSON: the shared report, plus the input objects it did not check. */
export function formatJson(report: CheckReport): string {
  const skipped = report.skipped.map(({ apiVersion, kind, namespace, name, file, reason }) => ({ apiVersion, kind, namespace, name, file, reason }));
  return `${JSON.stringify({ ...toJsonReport(report), skipped }, null, 2)}\n`;
}
