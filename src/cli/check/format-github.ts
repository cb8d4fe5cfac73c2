// `--format github`: workflow commands GitHub Actions turns into annotations on the pull request.
// Escaping follows the runner's rules: data escapes % CR LF; properties also escape : and ,.
import type { Severity } from '../../checks/finding.js';
import type { CheckReport } from './located.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: CheckReport): string {
  const lines = report.findings.map((f) => {
    const message = f.hint ? `${f.message}\n${f.hint}` : f.message;
    const props = [`file=${escapeProperty(f.file)}`, `line=${f.line}`, `title=${escapeProperty(`[${f.code}] ${f.field}`)}`].join(',');
    return `::${COMMAND[f.severity]} ${props}::${escapeData(message)}`;
  });
  const { errors, warnings, infos } = report.summary;
  lines.push(`eso-vault-guard: ${report.objects} objects checked${(report.skipped ?? []).length > 0 ? `, ${(report.skipped ?? []).length} skipped` : ''}: ${errors} errors, ${warnings} warnings, ${infos} info`);
  return `${lines.join('\n')}\n`;
}
