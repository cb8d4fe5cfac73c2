// Chooses the renderer of `--format`.
import { formatGithub } from './format-github.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatText } from './format-text.js';
import type { CheckReport } from './located.js';
import type { OutputFormat } from './options.js';

export function renderReport(report: CheckReport, format: OutputFormat, opts: { colour: boolean }): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'github':
      return formatGithub(report);
    default:
      return formatText(report, opts);
  }
}
