// `--format json`: the documented stable schema of src/report/report.ts, nothing more.
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

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
