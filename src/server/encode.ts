// AdmissionDecision → AdmissionReview response body.
import {
  ADMISSION_API_VERSION,
  ADMISSION_REVIEW_KIND,
  type AdmissionResponse,
  type AdmissionReviewResponse,
} from './admission-types.js';
import type { AdmissionDecision } from './decision.js';
import { fitWarnings } from './warnings.js';

/** Status code used for a denial that does not name one (a policy violation). */
export const DEFAULT_DENIAL_CODE = 403;

export function encodeAdmissionResponse(uid: string, decision: AdmissionDecision): AdmissionReviewResponse {
  const response: AdmissionResponse = { uid, allowed: decision.allowed };
  if (!decision.allowed) {
    response.status = {
      code: decision.statusCode ?? DEFAULT_DENIAL_CODE,
      message: decision.message ?? 'denied by eso-vault-guard',
    };
  }
  const warnings = fitWarnings(decision.warnings ?? []);
  if (warnings.length > 0) response.warnings = warnings;
  if (decision.patch && decision.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(decision.patch), 'utf8').toString('base64');
  }
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_REVIEW_KIND, response };
}
