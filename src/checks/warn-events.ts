// Errors a mode admitted (warn) are invisible in Argo CD, which never shows admission warnings: the
// webhook says them as Kubernetes Events on the object too.
import type { EventRecorder } from '../kube/events.js';
import type { AdmissionRequest } from '../server/admission-types.js';
import type { AdmissionDecision } from '../server/decision.js';
import { errorLine } from './messages.js';
import type { CheckResult } from './result.js';

export function recordWarnModeEvents(events: EventRecorder, result: CheckResult, request: AdmissionRequest, decision: AdmissionDecision): void {
  // Argo CD's server-side diff sends a dry-run on every refresh: those must not flood Events.
  if (request.dryRun || !decision.allowed || decision.wouldDeny !== true || decision.warnings.length === 0) return;
  const object = request.object as { apiVersion?: unknown } | undefined;
  const involved = {
    apiVersion: typeof object?.apiVersion === 'string' ? object.apiVersion : `${request.kind.group}/${request.kind.version}`,
    kind: result.resource.kind,
    name: result.resource.name,
    ...(result.resource.namespace ? { namespace: result.resource.namespace } : {}),
  };
  for (const finding of result.findings.filter((f) => f.severity === 'error')) {
    void events.record(involved, 'Warning', finding.code, errorLine(finding));
  }
}
