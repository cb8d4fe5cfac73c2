// Chooses the renderer of `--format`.
import { formatGithub } from './format-github.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatText } from './format-text.js';
import type { CheckReport } from './located.js';
import type { OutputFormat } from './options.js';

export interface RenderOptions {
  colour: boolean;
  /** Errors only, and no summary: `--quiet`. */
  quiet?: boolean;
}

export function renderReport(report: CheckReport, format: OutputFormat, opts: RenderOptions): string {
  const shown = opts.quiet ? { ...report, findings: report.findings.filter((f) => f.severity === 'error') } : report;
  switch (format) {
    case 'json':
      return formatJson(shown);
    case 'sarif':
      return formatSarif(shown);
    case 'github':
      return formatGithub(shown, { quiet: opts.quiet === true });
    default:
      return formatText(shown, { colour: opts.colour, quiet: opts.quiet === true });
  }
}
