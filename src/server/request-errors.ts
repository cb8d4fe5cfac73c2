// Turns what went wrong before an AdmissionReview could be read into an HTTP status and a
// one-line message for the caller. Nothing here throws.

/** The API server never sends more than 3 MiB (its own request limit). */
export const BODY_LIMIT_BYTES = 3 * 1024 * 1024;

export interface RequestProblem {
  statusCode: number;
  /** Label value of eso_vault_guard_admission_malformed_requests_total. */
  reason: 'content_type' | 'too_large' | 'not_json' | 'empty' | 'invalid_review' | 'bad_length' | 'not_found' | 'internal';
  message: string;
}

export function bodyTooLarge(contentLength?: number): RequestProblem {
  return {
    statusCode: 413,
    reason: 'too_large',
    message:
      contentLength === undefined
        ? `request body exceeds the limit of ${BODY_LIMIT_BYTES} bytes`
        : `request body of ${contentLength} bytes exceeds the limit of ${BODY_LIMIT_BYTES} bytes`,
  };
}

export function describeRequestError(error: { code?: string; statusCode?: number; message?: string }, contentType: string | undefined): RequestProblem {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 400,
        reason: 'content_type',
        message: `content type must be application/json (got ${contentType ? JSON.stringify(contentType) : 'none'})`,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { statusCode: 400, reason: 'empty', message: 'request body is empty; expected an AdmissionReview JSON object' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { statusCode: 400, reason: 'not_json', message: 'request body is not valid JSON; expected an AdmissionReview JSON object' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { statusCode: 400, reason: 'bad_length', message: 'request body size does not match its Content-Length header' };
    default:
      break;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return { statusCode: 400, reason: 'invalid_review', message: `bad request: ${(error.message ?? 'unreadable body').split('\n')[0]}` };
  }
  return { statusCode: 500, reason: 'internal', message: 'internal error while reading the request; see the eso-vault-guard logs' };
}
