// Posts one AdmissionReview v1 (built by the test suite's fixture) to the webhook over HTTPS, as the API server does.
import { request } from 'node:https';
import type { JsonPatchOperation } from '../src/server/decision.js';

export interface ReviewAnswer {
  allowed: boolean;
  status?: { code?: number; message?: string };
  warnings: string[];
  patch: JsonPatchOperation[];
}

export function postReview(port: number, path: '/validate' | '/mutate', review: unknown, caPem: string): Promise<ReviewAnswer> {
  const body = Buffer.from(JSON.stringify(review));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', ca: caPem, servername: 'localhost', agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response?: { allowed: boolean; status?: { code?: number; message?: string }; warnings?: string[]; patch?: string } };
            const r = parsed.response;
            if (!r) throw new Error(`HTTP ${res.statusCode}: not an AdmissionReview`);
            resolve({
              allowed: r.allowed,
              ...(r.status ? { status: r.status } : {}),
              warnings: r.warnings ?? [],
              patch: r.patch ? (JSON.parse(Buffer.from(r.patch, 'base64').toString('utf8')) as JsonPatchOperation[]) : [],
            });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`${path} did not answer within 15000 ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
