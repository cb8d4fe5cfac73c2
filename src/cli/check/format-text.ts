// `--format text`: findings grouped by file, then by object, one line each with its hint below,
// and a summary line. Colour only when asked (a TTY without NO_COLOR).
import type { Severity } from '../../checks/finding.js';
import { describeResource, type CheckReport, type LocatedFinding } from './located.js';

const COLOURS: Record<Severity | 'bold' | 'dim', string> = { error: '31', warning: '33', info: '36', bold: '1', dim: '2' };

function painter(colour: boolean) {
  return (what: keyof typeof COLOURS, text: string): string => (colour ? `\u001b[${COLOURS[what]}m${text}\u001b[0m` : text);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatText(report: CheckReport, opts: { colour: boolean }): string {
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
  const skipped = report.skipped ?? [];
  if (skipped.length > 0) {
    lines.push(paint('bold', 'Not checked (skipped):'));
    for (const s of skipped) lines.push(`  ${describeResource(s.resource)} (${s.file}): ${s.reason}`);
    lines.push('');
  }
  const { errors, warnings, infos } = report.summary;
  const skippedPart = skipped.length > 0 ? `, ${skipped.length} skipped` : '';
  const summary = `${plural(report.objects, 'object')} checked${skippedPart}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${infos} info`;
  lines.push(errors > 0 ? paint('error', summary) : summary);
  return `${lines.join('\n')}\n`;
}
