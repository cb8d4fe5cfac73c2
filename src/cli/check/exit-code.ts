// Exit codes of `check`: 0 no error findings, 1 error findings, 2 could not run or could not
// check (config, input, Vault unreachable) — `--fail-open` turns "could not check" into a warning.
import type { CheckReport } from './located.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_CANNOT_RUN = 2;

export interface ExitDecision {
  code: number;
  /** Lines for stderr (why the run could not check, or the fail-open warning). */
  stderr: string[];
}

export function exitDecision(report: CheckReport, failOpen: boolean, command = 'check'): ExitDecision {
  const errors = report.summary.errors > 0 ? EXIT_FINDINGS : EXIT_OK;
  if (report.couldNotCheck.length === 0) return { code: errors, stderr: [] };
  const reasons = report.couldNotCheck.join('; ');
  if (failOpen) return { code: errors, stderr: [`eso-vault-guard ${command}: warning: some objects were not checked against Vault (--fail-open): ${reasons}`] };
  return { code: EXIT_CANNOT_RUN, stderr: [`eso-vault-guard ${command}: some objects could not be checked against Vault: ${reasons}`] };
}
