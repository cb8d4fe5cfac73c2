// Validation of incoming AdmissionReview bodies. The schema is compiled once, at module load,
// and checks only what the server relies on; the API server's extra fields pass through.
import { Ajv } from 'ajv';
import { formatAjvErrors } from '../config/ajv-errors.js';
import {
  ADMISSION_API_VERSION,
  ADMISSION_REVIEW_KIND,
  type AdmissionRequest,
  type AdmissionReviewRequest,
} from './admission-types.js';

const str = { type: 'string' };
const gvk = { type: 'object', required: ['kind'], properties: { group: str, version: str, kind: str } };
const gvr = { type: 'object', properties: { group: str, version: str, resource: str } };

const admissionReviewSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'request'],
  properties: {
    apiVersion: { const: ADMISSION_API_VERSION },
    kind: { const: ADMISSION_REVIEW_KIND },
    request: {
      type: 'object',
      required: ['uid', 'kind', 'operation'],
      properties: {
        uid: { type: 'string', minLength: 1 },
        kind: gvk,
        resource: gvr,
        subResource: str,
        requestKind: gvk,
        requestResource: gvr,
        name: str,
        namespace: str,
        operation: { enum: ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] },
        userInfo: {
          type: 'object',
          properties: {
            username: str,
            uid: str,
            groups: { type: 'array', items: str },
            extra: { type: 'object' },
          },
        },
        dryRun: { type: 'boolean' },
      },
    },
  },
};

const validateReview = new Ajv({ allErrors: true, verbose: true, strict: false }).compile<AdmissionReviewRequest>(
  admissionReviewSchema,
);

export type DecodeResult = { ok: true; request: AdmissionRequest } | { ok: false; error: string };

function kindOfJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/**
 * Deepest nesting accepted in `object` / `oldObject`. ESO objects nest about a dozen levels; far
 * deeper input would overflow the stack of recursive code (JSON.stringify, structuredClone, deep
 * equality), so it is refused here, once, by an iterative walk.
 */
export const MAX_OBJECT_DEPTH = 100;

/**
 * True when `value` nests deeper than `max` objects/arrays. Recursive but bounded: it never goes
 * more than `max` calls deep, whatever the input (and allocates nothing on the way, unlike a stack
 * of pending nodes: it runs on every admission).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  return value !== null && typeof value === 'object' && deeper(value, 0, max);
}

function deeper(node: object, depth: number, max: number): boolean {
  if (depth >= max) return true;
  if (Array.isArray(node)) {
    for (const child of node as unknown[]) if (child !== null && typeof child === 'object' && deeper(child, depth + 1, max)) return true;
    return false;
  }
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && deeper(child, depth + 1, max)) return true;
  }
  return false;
}

export function decodeAdmissionReview(body: unknown): DecodeResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: `request body must be a JSON object holding an AdmissionReview (got ${kindOfJson(body)})` };
  }
  if (!validateReview(body)) {
    return { ok: false, error: `invalid AdmissionReview: ${formatAjvErrors(validateReview.errors).join('; ')}` };
  }
  const raw = body.request;
  for (const field of ['object', 'oldObject'] as const) {
    if (nestsDeeperThan(raw[field], MAX_OBJECT_DEPTH)) {
      return { ok: false, error: `invalid AdmissionReview: request.${field} nests deeper than ${MAX_OBJECT_DEPTH} levels; no ExternalSecret or store does` };
    }
  }
  const request: AdmissionRequest = {
    ...raw,
    kind: { group: raw.kind.group ?? '', version: raw.kind.version ?? '', kind: raw.kind.kind },
    resource: {
      group: raw.resource?.group ?? '',
      version: raw.resource?.version ?? '',
      resource: raw.resource?.resource ?? '',
    },
    userInfo: raw.userInfo ?? {},
    dryRun: raw.dryRun === true,
  };
  return { ok: true, request };
}
