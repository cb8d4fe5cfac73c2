// `--format text`: findings grouped by file, then by object, one line each with its hint below,
// and a summary line. Colour only when asked (a TTY without NO_COLOR).
import type { Severity } from '../../checks/finding.js';
import { describeResource, OFFLINE_NOTE, type CheckReport, type LocatedFinding } from './located.js';

const COLOURS: Record<Severity | 'bold' | 'dim', string> = { error: '31', warning: '33', info: '36', bold: '1', dim: '2' };

function painter(colour: boolean) {
  return (what: keyof typeof COLOURS, text: string): string => (colour ? `\u001b[${COLOURS[what]}m${text}\u001b[0m` : text);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `Namespace v1 ×3, Deployment apps/v1`: what was skipped, by kind and version, in input order. */
export function skippedKinds(report: CheckReport): string {
  const counts = new Map<string, number>();
  for (const s of report.skipped) {
    const key = `${s.kind ?? '(no kind)'} ${s.apiVersion ?? '(no apiVersion)'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => (n === 1 ? key : `${key} ×${n}`)).join(', ');
}

export function formatText(report: CheckReport, opts: { colour: boolean; quiet?: boolean }): string {
  const paint = painter(opts.colour);
  const lines: string[] = [];
  const byFile = new Map<string, Map<string, LocatedFinding[]>>();
  for (const f of report.findings) {
    const objects = byFile.get(f.file) ?? new Map<string, LocatedFinding[]>();
    byFile.set(f.file, objects);
    const key = describeResource(f.resource);
    objects.set(key, [...(objects.get(key) ?? []), f]);
  }
  for (const [file, objects] of byFile) {
    lines.push(paint('bold', file));
    for (const [resource, findings] of objects) {
      lines.push(`${resource}`);
      for (const f of findings) {
        lines.push(`  ${paint(f.severity, f.severity)} [${f.code}] ${f.field}: ${f.message}`);
        if (f.hint) lines.push(paint('dim', `      hint: ${f.hint}`));
      }
    }
    lines.push('');
  }
  if (opts.quiet) return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  if (report.skipped.length > 0) lines.push(paint('dim', `${plural(report.skipped.length, 'object')} skipped (not checked): ${skippedKinds(report)}`));
  const { errors, warnings, infos } = report.summary;
  const summary = `${plural(report.objects, 'object')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info`;
  lines.push(errors > 0 ? paint('error', summary) : summary);
  if (report.offline) lines.push(`${OFFLINE_NOTE} (static checks only: store resolution, paths, versions and kinds, selectors, templates)`);
  return `${lines.join('\n')}\n`;
}
