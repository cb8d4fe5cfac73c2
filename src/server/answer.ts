// From a decoded admission request to the answer to send: the handler (which decides, see
// checks/decide.ts) under the deadline, the failure mode when it cannot, and the label used for
// metrics and logs.
import type { Logger } from 'pino';
import type { GuardConfig } from '../config/types.js';
import type { AdmissionHandlers, AdmissionRequest, WebhookName } from './admission-types.js';
import { runWithDeadline } from './deadline.js';
import type { AdmissionDecision } from './decision.js';
import { failureDecision } from './failure.js';
import type { AdmissionDecisionLabel, AdmissionMetrics } from './metrics.js';

/** Label values stay bounded whatever a caller sends as kind. */
const KNOWN_KINDS = new Set(['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret', 'ClusterPushSecret', 'Namespace']);
export function kindLabel(kind: string): string {
  return KNOWN_KINDS.has(kind) ? kind : 'other';
}

export interface Answer {
  decision: AdmissionDecision;
  label: AdmissionDecisionLabel;
  wouldDeny: boolean;
  failure?: string;
}

export async function answerAdmission(
  webhook: WebhookName,
  request: AdmissionRequest,
  deadlineAtMs: number,
  opts: { config: GuardConfig; handlers: AdmissionHandlers; logger: Logger; metrics: AdmissionMetrics },
): Promise<Answer> {
  const { failureMode, deadlineMs } = opts.config.admission;
  const outcome = await runWithDeadline(opts.handlers[webhook], request, deadlineAtMs);
  let decision: AdmissionDecision;
  let failure: string | undefined;
  if (outcome.kind === 'decided') {
    decision = outcome.decision;
  } else if (outcome.kind === 'deadline') {
    opts.metrics.deadlineExceeded.inc();
    failure = `deadline of ${deadlineMs} ms exceeded`;
    decision = failureDecision(failureMode, { kind: 'deadline', deadlineMs });
  } else {
    failure = `handler failed: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`;
    opts.logger.error({ err: outcome.error, uid: request.uid, webhook }, 'admission handler failed');
    decision = failureDecision(failureMode, { kind: 'error', error: outcome.error });
  }
  // The admission mode is the handler's business (a namespace label or an annotation can override
  // the global one, which only the rules know); the server passes the decision through.
  const wouldDeny = decision.allowed && decision.wouldDeny === true;
  let label: AdmissionDecisionLabel;
  if (failure || decision.couldNotCheck === true) label = decision.allowed ? 'fail_open' : 'fail_closed';
  else if (wouldDeny) label = 'would_deny';
  else label = decision.allowed ? 'allowed' : 'denied';
  return { decision, label, wouldDeny, failure };
}
