// Runs a handler against the admission deadline. The handler's signal is aborted when the deadline
// passes; its late result (or late failure) is then ignored.
import type { AdmissionHandler, AdmissionRequest } from './admission-types.js';
import type { AdmissionDecision } from './decision.js';

export type HandlerOutcome =
  | { kind: 'decided'; decision: AdmissionDecision }
  | { kind: 'deadline' }
  | { kind: 'error'; error: unknown };

export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

function isDecision(value: unknown): value is AdmissionDecision {
  const d = value as Partial<AdmissionDecision> | null;
  return typeof d === 'object' && d !== null && typeof d.allowed === 'boolean' && Array.isArray(d.warnings);
}

export async function runWithDeadline(
  handler: AdmissionHandler,
  request: AdmissionRequest,
  deadlineAtMs: number,
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<HandlerOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'deadline' }), Math.max(0, deadlineAtMs - Date.now()));
  });
  const run = Promise.resolve()
    .then(() => handler(request, { deadlineAtMs, signal: controller.signal }))
    .then(
      (decision): HandlerOutcome =>
        isDecision(decision)
          ? { kind: 'decided', decision: { ...decision, codes: decision.codes ?? [] } }
          : { kind: 'error', error: new Error('handler returned something that is not an AdmissionDecision') },
      (error: unknown): HandlerOutcome => ({ kind: 'error', error }),
    );
  const outcome = await Promise.race([run, expiry]);
  clearTimeout(timer);
  if (outcome.kind === 'deadline') controller.abort(new DeadlineExceededError('admission deadline exceeded'));
  return outcome;
}
