// Posts one AdmissionReview v1 to the webhook over HTTPS, as the API server does.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import type { JsonPatchOperation } from '../src/server/decision.js';

export interface ReviewAnswer {
  allowed: boolean;
  status?: { code?: number; message?: string };
  warnings: string[];
  patch: JsonPatchOperation[];
}

const RESOURCES: Record<string, string> = { ExternalSecret: 'externalsecrets', SecretStore: 'secretstores', ClusterSecretStore: 'clustersecretstores' };

export function admissionReview(object: Record<string, unknown>): Record<string, unknown> {
  const [group = '', version = ''] = String(object['apiVersion']).split('/');
  const kind = String(object['kind']);
  const meta = (object['metadata'] ?? {}) as { name?: string; namespace?: string };
  const gvk = { group, version, kind };
  const gvr = { group, version, resource: RESOURCES[kind] ?? `${kind.toLowerCase()}s` };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      operation: 'CREATE',
      userInfo: { username: 'demo-user', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
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
