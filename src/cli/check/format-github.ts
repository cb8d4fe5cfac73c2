// `--format github`: workflow commands GitHub Actions turns into annotations on the pull request.
// Escaping follows the runner's rules: data escapes % CR LF; properties also escape : and ,.
// File paths are relative to the working directory, as in SARIF: the runner resolves them from
// the workspace, where the job runs.
import { relative, sep } from 'node:path';
import type { Severity } from '../../checks/finding.js';
import { STDIN_NAME } from './inputs.js';
import { OFFLINE_NOTE, type CheckReport } from './located.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `deploy/app.yaml` from `/work/repo/deploy/app.yaml` or `./deploy/app.yaml`, with forward slashes. */
export function workspacePath(file: string, cwd: string = process.cwd()): string {
  if (file === STDIN_NAME) return file;
  return (relative(cwd, file) || file).split(sep).join('/');
}

export function formatGithub(report: CheckReport, opts: { quiet?: boolean; cwd?: string } = {}): string {
  const lines = report.findings.map((f) => {
    const message = f.hint ? `${f.message}\n${f.hint}` : f.message;
    const props = [`file=${escapeProperty(workspacePath(f.file, opts.cwd))}`, `line=${f.line}`, `title=${escapeProperty(`[${f.code}] ${f.field}`)}`].join(',');
    return `::${COMMAND[f.severity]} ${props}::${escapeData(message)}`;
  });
  const { errors, warnings, infos } = report.summary;
  if (!opts.quiet) {
    const skipped = report.skipped.length > 0 ? `; ${report.skipped.length} skipped` : '';
    lines.push(`eso-vault-guard: ${report.objects} objects checked: ${errors} errors, ${warnings} warnings, ${infos} info${skipped}${report.offline ? `; ${OFFLINE_NOTE}` : ''}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
