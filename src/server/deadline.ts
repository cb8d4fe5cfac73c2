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

export function runWithDeadline(
  handler: AdmissionHandler,
  request: AdmissionRequest,
  deadlineAtMs: number,
): Promise<HandlerOutcome> {
  const controller = new AbortController();
  // One promise settled by whichever comes first (no race of two chains, no closure per step).
  return new Promise<HandlerOutcome>((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      controller.abort(new DeadlineExceededError('admission deadline exceeded'));
      resolve({ kind: 'deadline' });
    }, Math.max(0, deadlineAtMs - Date.now()));
    const finish = (outcome: HandlerOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const decided = (decision: unknown): void =>
      finish(isDecision(decision)
        ? { kind: 'decided', decision: decision.codes ? decision : { ...decision, codes: [] } }
        : { kind: 'error', error: new Error('handler returned something that is not an AdmissionDecision') });
    const failed = (error: unknown): void => finish({ kind: 'error', error });
    // The handler runs on a later tick, as before: a synchronous throw is a failure, not an exception here.
    queueMicrotask(() => {
      try {
        const result = handler(request, { deadlineAtMs, signal: controller.signal });
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(decided, failed);
        else decided(result);
      } catch (error) {
        failed(error);
      }
    });
  });
}
