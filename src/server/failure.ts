// Decisions made when the checks could not finish: the deadline passed or the handler failed.
import type { FailureMode } from '../config/types.js';
import type { AdmissionDecision } from './decision.js';

export type FailureCause = { kind: 'deadline'; deadlineMs: number } | { kind: 'error'; error: unknown };

function describeCause(cause: FailureCause): string {
  if (cause.kind === 'deadline') return `within ${cause.deadlineMs} ms`;
  const raw = cause.error instanceof Error ? cause.error.message : String(cause.error);
  const firstLine = (raw.split('\n')[0] ?? '').trim();
  const shown = firstLine.length > 200 ? `${firstLine.slice(0, 197)}...` : firstLine;
  return `(internal error: ${shown || 'unknown'})`;
}

export function failureDecision(mode: FailureMode, cause: FailureCause): AdmissionDecision {
  const what = `eso-vault-guard could not complete its checks ${describeCause(cause)}`;
  if (mode === 'failOpen') {
    return { allowed: true, warnings: [`${what}; allowed without verification (failOpen)`], codes: [] };
  }
  return {
    allowed: false,
    statusCode: 500,
    message:
      `${what}; denied because admission.failureMode is failClosed. ` +
      'Retry in a moment; if it persists, check the eso-vault-guard logs and its connection to Vault.',
    warnings: [],
    codes: [],
  };
}
